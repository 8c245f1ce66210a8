/* SPDX-License-Identifier: MIT */
/* socket.c -- the UDP sockets of os.h over Winsock 2: what the core's
 * senders (net/udp.c) and the forwarder use; Winsock's start. */
#include "win32/win32.h"

#include "error.h"
#include "os.h"

#include <string.h>

/* ms_addr_ipv4 and the resolver's list, over Winsock's headers. */
#include "os_sockets.h"

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

/* ---- addresses ------------------------------------------------------------ */

int ms_addr_list_get(const char *host, const char *port, ms_addr_list **out)
{
    int rc = ms_win32_net_startup();
    if (rc != MAILSLOT_OK)
        return rc;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    /* getaddrinfo returns a Winsock error number (WSAHOST_NOT_FOUND, ...). */
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0)
        return ms_fail_os(MAILSLOT_E_NOT_FOUND, gai, "cannot resolve host \"%s\"", host);
    *out = (ms_addr_list *)res;
    return MAILSLOT_OK;
}

/* ---- sockets -------------------------------------------------------------- */

int ms_sock_udp(int family, ms_sock *out)
{
    *out = MS_SOCK_NONE;
    if (ms_win32_net_startup() != MAILSLOT_OK)
        return wsa_error;
    SOCKET s = ms_win32_udp_socket(family == 6 ? AF_INET6 : AF_INET);
    if (s == INVALID_SOCKET)
        return WSAGetLastError();
    *out = (ms_sock)s;
    return 0;
}

int ms_sock_multicast_out(ms_sock s, int ttl)
{
    DWORD hops = (DWORD)ttl, loop = 0;
    /* Loopback off. Windows applies IP_MULTICAST_LOOP when receiving, so the
     * forwarder's socket sets it too; Linux, and Wine, when sending. */
    if (setsockopt((SOCKET)s, IPPROTO_IP, IP_MULTICAST_TTL, (const char *)&hops, sizeof hops) !=
            0 ||
        setsockopt((SOCKET)s, IPPROTO_IP, IP_MULTICAST_LOOP, (const char *)&loop, sizeof loop) != 0)
        return WSAGetLastError();
    return 0;
}

int ms_sock_multicast_if(ms_sock s, uint32_t ifc)
{
    struct in_addr via = {.s_addr = ifc};
    if (setsockopt((SOCKET)s, IPPROTO_IP, IP_MULTICAST_IF, (const char *)&via, sizeof via) != 0)
        return WSAGetLastError();
    return 0;
}

int ms_sock_join(ms_sock s, uint32_t group, uint32_t ifc)
{
    struct ip_mreq m;
    m.imr_multiaddr.s_addr = htonl(group);
    m.imr_interface.s_addr = ifc;
    if (setsockopt((SOCKET)s, IPPROTO_IP, IP_ADD_MEMBERSHIP, (const char *)&m, sizeof m) != 0)
        return WSAGetLastError();
    return 0;
}

int ms_sock_broadcast(ms_sock s)
{
    BOOL on = TRUE;
    if (setsockopt((SOCKET)s, SOL_SOCKET, SO_BROADCAST, (const char *)&on, sizeof on) != 0)
        return WSAGetLastError();
    return 0;
}

int ms_sock_recv(ms_sock s, void *buf, size_t cap, int timeout_ms, size_t *len)
{
    WSAPOLLFD pfd = {.fd = (SOCKET)s, .events = POLLRDNORM};
    int n = WSAPoll(&pfd, 1, timeout_ms);
    if (n < 0)
        return WSAGetLastError();
    if (n == 0)
        return -1;
    int got = recv((SOCKET)s, buf, (int)cap, 0);
    if (got < 0) {
        int err = WSAGetLastError();
        /* A datagram longer than cap: its first cap bytes are in buf. */
        if (err != WSAEMSGSIZE)
            return err == WSAEWOULDBLOCK ? -1 : err;
        got = (int)cap;
    }
    *len = (size_t)got;
    return 0;
}

int ms_sock_send(ms_sock s, const void *buf, size_t len, const ms_addr *to)
{
    const struct sockaddr *sa = (const void *)to->sa;
    if (sendto((SOCKET)s, buf, (int)len, 0, sa, (int)to->len) < 0)
        return WSAGetLastError();
    return 0;
}

/* Windows has no sendmmsg: one sendto each. */
void ms_sock_send_many(ms_sock s, ms_sock_msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m[i].err = ms_sock_send(s, m[i].buf, m[i].len, m[i].to);
}

void ms_sock_close(ms_sock s)
{
    if (s != MS_SOCK_NONE)
        closesocket((SOCKET)s);
}

/* Windows has no bridge (os.h). */
void ms_plat_bridge_feed(uint16_t port, const unsigned char *packet, size_t len)
{
    (void)port;
    (void)packet;
    (void)len;
}
