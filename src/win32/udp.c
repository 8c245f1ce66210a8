/* SPDX-License-Identifier: MIT */
/* udp.c -- UDP senders on Windows (Winsock 2): multicast on each interface,
 * unicast to each address of a host; Winsock's start; random numbers. The
 * same design as src/linux/udp.c. */
#include "win32/win32.h"

#include "alloc.h"
#include "error.h"
#include "net/netconfig.h"
#include "transport.h"
#include "os.h"
#include "win32/netif.h"

#include <bcrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DESTS 16
/* How long a multicast sender trusts its list of interfaces: interfaces come
 * and go (a laptop's Wi-Fi, DHCP at boot). */
#define INTERFACE_REFRESH_MS 10000

struct ms_udp {
    SRWLOCK mu; /* guards the interface list, its refresh and the socket's interface */
    ms_net_config cfg;
    /* Multicast: one socket, sent on each interface in turn. */
    SOCKET group_sock;
    uint32_t group; /* host order */
    uint32_t ifaddr[MS_NETIF_MAX];
    size_t nif;
    int64_t listed_at;
    /* Unicast: the resolved addresses and one socket per family. */
    SOCKET s4, s6;
    struct sockaddr_storage dest[MAX_DESTS];
    int dest_len[MAX_DESTS];
    size_t ndest;
};

/* ---- Winsock ------------------------------------------------------------- */

static INIT_ONCE wsa_once = INIT_ONCE_STATIC_INIT;
static int wsa_error;

static BOOL CALLBACK wsa_start(PINIT_ONCE once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    WSADATA data;
    wsa_error = WSAStartup(MAKEWORD(2, 2), &data);
    return TRUE;
}

int ms_win32_net_startup(void)
{
    InitOnceExecuteOnce(&wsa_once, wsa_start, NULL, NULL);
    if (wsa_error)
        return ms_fail_os(MAILSLOT_E_SYSTEM, wsa_error, "cannot start Winsock 2.2");
    return MAILSLOT_OK;
}

SOCKET ms_win32_udp_socket(int family)
{
    SOCKET s = WSASocketW(family, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
        /* Windows 7 before SP1 lacks the flag. */
        s = WSASocketW(family, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, 0);
        if (s != INVALID_SOCKET)
            SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
    }
    return s;
}

/* ---- senders -------------------------------------------------------------- */

static ms_udp *new_udp(const ms_net_config *cfg)
{
    ms_udp *u = ms_calloc(1, sizeof *u);
    if (!u)
        return NULL;
    InitializeSRWLock(&u->mu);
    u->cfg = *cfg;
    u->group_sock = u->s4 = u->s6 = INVALID_SOCKET;
    return u;
}

static int new_socket(int family, SOCKET *s)
{
    *s = ms_win32_udp_socket(family);
    if (*s == INVALID_SOCKET)
        return ms_fail_os(family == AF_INET6 ? MAILSLOT_E_NETWORK : MAILSLOT_E_SYSTEM,
                          WSAGetLastError(), "cannot create a UDP socket");
    return MAILSLOT_OK;
}

int ms_udp_open_group(const ms_net_config *cfg, uint32_t group, ms_udp **out)
{
    int rc = ms_win32_net_startup();
    if (rc != MAILSLOT_OK)
        return rc;
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    u->group = group;
    rc = new_socket(AF_INET, &u->group_sock);
    if (rc == MAILSLOT_OK) {
        DWORD ttl = cfg->ttl, loop = 0;
        /* Loopback off: this host's copy goes to its reader directly, once.
         * (Windows applies IP_MULTICAST_LOOP when receiving, so the
         * forwarder's socket sets it too; Linux, and Wine, when sending.) */
        if (setsockopt(u->group_sock, IPPROTO_IP, IP_MULTICAST_TTL, (const char *)&ttl,
                       sizeof ttl) != 0 ||
            setsockopt(u->group_sock, IPPROTO_IP, IP_MULTICAST_LOOP, (const char *)&loop,
                       sizeof loop) != 0)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, WSAGetLastError(),
                            "cannot set up a multicast socket");
    }
    if (rc == MAILSLOT_OK)
        rc = ms_netif_list(cfg->interface, u->ifaddr, &u->nif);
    if (rc != MAILSLOT_OK) {
        ms_udp_close(u);
        return rc;
    }
    u->listed_at = ms_plat_monotonic_ms();
    *out = u;
    return MAILSLOT_OK;
}

static int add_dest(ms_udp *u, const struct addrinfo *ai)
{
    for (size_t i = 0; i < u->ndest; i++)
        if (u->dest_len[i] == (int)ai->ai_addrlen &&
            memcmp(&u->dest[i], ai->ai_addr, ai->ai_addrlen) == 0)
            return MAILSLOT_OK;
    if (u->ndest == MAX_DESTS || ai->ai_addrlen > sizeof u->dest[0])
        return MAILSLOT_OK;
    SOCKET *s = ai->ai_family == AF_INET6 ? &u->s6 : &u->s4;
    if (*s == INVALID_SOCKET) {
        int rc = new_socket(ai->ai_family, s);
        if (rc != MAILSLOT_OK)
            return ai->ai_family == AF_INET6 ? MAILSLOT_OK : rc; /* a host without IPv6 */
    }
    memcpy(&u->dest[u->ndest], ai->ai_addr, ai->ai_addrlen);
    u->dest_len[u->ndest++] = (int)ai->ai_addrlen;
    return MAILSLOT_OK;
}

int ms_udp_open_host(const ms_net_config *cfg, const char *host, ms_udp **out)
{
    int rc = ms_win32_net_startup();
    if (rc != MAILSLOT_OK)
        return rc;
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)cfg->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    /* getaddrinfo returns a Winsock error number (WSAHOST_NOT_FOUND, ...). */
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        rc = ms_fail_os(MAILSLOT_E_NOT_FOUND, gai, "cannot resolve host \"%s\"", host);
    } else {
        for (struct addrinfo *ai = res; ai && rc == MAILSLOT_OK; ai = ai->ai_next)
            if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
                rc = add_dest(u, ai);
        freeaddrinfo(res);
        if (rc == MAILSLOT_OK && u->ndest == 0)
            rc =
                ms_fail(MAILSLOT_E_NETWORK, "host \"%s\" has no address this host can reach", host);
    }
    if (rc != MAILSLOT_OK) {
        ms_udp_close(u);
        return rc;
    }
    *out = u;
    return MAILSLOT_OK;
}

static int send_group(ms_udp *u, const void *packet, size_t len)
{
    AcquireSRWLockExclusive(&u->mu);
    if (ms_plat_monotonic_ms() - u->listed_at > INTERFACE_REFRESH_MS) {
        uint32_t addr[MS_NETIF_MAX];
        size_t n;
        if (ms_netif_list(u->cfg.interface, addr, &n) == MAILSLOT_OK) {
            memcpy(u->ifaddr, addr, n * sizeof addr[0]);
            u->nif = n;
        }
        u->listed_at = ms_plat_monotonic_ms();
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(u->cfg.port)};
    to.sin_addr.s_addr = htonl(u->group);
    size_t sent = 0;
    int err = 0;
    for (size_t i = 0; i < u->nif; i++) {
        struct in_addr via = {.s_addr = u->ifaddr[i]};
        if (setsockopt(u->group_sock, IPPROTO_IP, IP_MULTICAST_IF, (const char *)&via,
                       sizeof via) != 0 ||
            sendto(u->group_sock, packet, (int)len, 0, (const struct sockaddr *)&to, sizeof to) < 0)
            err = WSAGetLastError();
        else
            sent++;
    }
    size_t tried = u->nif;
    ReleaseSRWLockExclusive(&u->mu);
    if (tried > 0 && sent == 0)
        return ms_fail_os(MAILSLOT_E_NETWORK, err, "cannot send to multicast group %u.%u.%u.%u",
                          (unsigned)(u->group >> 24), (unsigned)(u->group >> 16) & 255u,
                          (unsigned)(u->group >> 8) & 255u, (unsigned)u->group & 255u);
    return MAILSLOT_OK;
}

static int send_unicast(ms_udp *u, const void *packet, size_t len)
{
    size_t sent = 0;
    int err = 0;
    for (size_t i = 0; i < u->ndest; i++) {
        SOCKET s = u->dest[i].ss_family == AF_INET6 ? u->s6 : u->s4;
        if (sendto(s, packet, (int)len, 0, (const struct sockaddr *)&u->dest[i], u->dest_len[i]) >=
            0)
            sent++;
        else
            err = WSAGetLastError();
    }
    if (sent == 0)
        return ms_fail_os(MAILSLOT_E_NETWORK, err, "cannot send to any address of the host");
    return MAILSLOT_OK;
}

int ms_udp_send(ms_udp *u, const void *packet, size_t len)
{
    return u->group_sock != INVALID_SOCKET ? send_group(u, packet, len)
                                           : send_unicast(u, packet, len);
}

void ms_udp_close(ms_udp *u)
{
    if (!u)
        return;
    SOCKET all[] = {u->group_sock, u->s4, u->s6};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i] != INVALID_SOCKET)
            closesocket(all[i]);
    ms_free(u);
}

int ms_plat_random(void *buf, size_t len)
{
    NTSTATUS st = BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (st != 0)
        return ms_fail(MAILSLOT_E_SYSTEM, "BCryptGenRandom failed (NTSTATUS 0x%08lx)",
                       (unsigned long)st);
    return MAILSLOT_OK;
}
