/* SPDX-License-Identifier: MIT */
/* udp.c -- UDP senders: multicast on each interface in turn, unicast to each
 * address of a host. The OS gives sockets, interfaces and name resolution
 * (os.h); the destinations, the interface refresh and the send loop are
 * here, once for every OS. */
#include "net/udp.h"
#include "alloc.h"
#include "error.h"
#include "net/netconfig.h"
#include "net/wire.h"
#include "os.h"

#include <stdio.h>
#include <string.h>

#define MAX_DESTS 16
/* How long a multicast sender trusts its list of interfaces: interfaces come
 * and go (a laptop's Wi-Fi, DHCP at boot). */
#define INTERFACE_REFRESH_MS 10000

struct ms_udp {
    ms_lock mu; /* guards the interface list, its refresh and the socket's interface */
    ms_net_config cfg;
    /* Multicast: one socket, sent on each interface in turn. */
    ms_sock group_sock;
    uint32_t group; /* host order */
    uint32_t ifs[MS_NETIF_MAX];
    size_t nif;
    int64_t listed_at;
    /* Unicast: the resolved addresses and one socket per family. */
    ms_sock sock4, sock6;
    ms_addr dest[MAX_DESTS];
    size_t ndest;
};

static ms_udp *new_udp(const ms_net_config *cfg)
{
    ms_udp *u = ms_calloc(1, sizeof *u);
    if (!u)
        return NULL;
    ms_lock_init(&u->mu);
    u->cfg = *cfg;
    u->group_sock = u->sock4 = u->sock6 = MS_SOCK_NONE;
    return u;
}

static int new_socket(int family, ms_sock *s)
{
    int err = ms_sock_udp(family, s);
    if (err != 0)
        return ms_fail_os(family == 6 ? MAILSLOT_E_NETWORK : MAILSLOT_E_SYSTEM, err,
                          "cannot create a UDP socket");
    return MAILSLOT_OK;
}

int ms_udp_open_group(const ms_net_config *cfg, uint32_t group, ms_udp **out)
{
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    u->group = group;
    int rc = new_socket(4, &u->group_sock);
    if (rc == MAILSLOT_OK) {
        int err = ms_sock_multicast_out(u->group_sock, cfg->ttl);
        if (err != 0)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, err, "cannot set up a multicast socket");
    }
    if (rc == MAILSLOT_OK)
        rc = ms_netif_list(cfg->interface, u->ifs, &u->nif);
    if (rc != MAILSLOT_OK) {
        ms_udp_close(u);
        return rc;
    }
    u->listed_at = ms_plat_monotonic_ms();
    *out = u;
    return MAILSLOT_OK;
}

static int add_dest(ms_udp *u, const ms_addr *a)
{
    for (size_t i = 0; i < u->ndest; i++)
        if (memcmp(&u->dest[i], a, sizeof *a) == 0)
            return MAILSLOT_OK;
    if (u->ndest == MAX_DESTS)
        return MAILSLOT_OK;
    ms_sock *s = a->family == 6 ? &u->sock6 : &u->sock4;
    if (*s == MS_SOCK_NONE) {
        int rc = new_socket(a->family, s);
        if (rc != MAILSLOT_OK)
            return a->family == 6 ? MAILSLOT_OK : rc; /* a host without IPv6 */
    }
    u->dest[u->ndest++] = *a;
    return MAILSLOT_OK;
}

/* Every IPv4 and IPv6 address of host (a name or an IP literal), at most
 * cap, with port, in the resolver's order. MAILSLOT_OK (perhaps none),
 * MAILSLOT_E_NOT_FOUND (does not resolve), MAILSLOT_E_SYSTEM; the detail
 * set. */
static int resolve(const char *host, uint16_t port, ms_addr *out, size_t cap, size_t *count)
{
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    ms_addr_list *list = NULL;
    *count = 0;
    int rc = ms_addr_list_get(host, service, &list);
    if (rc != MAILSLOT_OK)
        return rc;
    for (const ms_addr_list *at = list; at && *count < cap;)
        *count += (size_t)ms_addr_list_next(&at, &out[*count]);
    ms_addr_list_free(list);
    return MAILSLOT_OK;
}

int ms_udp_open_host(const ms_net_config *cfg, const char *host, ms_udp **out)
{
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    ms_addr found[MAX_DESTS];
    size_t n = 0;
    int rc = resolve(host, cfg->port, found, MAX_DESTS, &n);
    for (size_t i = 0; i < n && rc == MAILSLOT_OK; i++)
        rc = add_dest(u, &found[i]);
    if (rc == MAILSLOT_OK && u->ndest == 0)
        rc = ms_fail(MAILSLOT_E_NETWORK, "host \"%s\" has no address this host can reach", host);
    if (rc != MAILSLOT_OK) {
        ms_udp_close(u);
        return rc;
    }
    *out = u;
    return MAILSLOT_OK;
}

/* Under u->mu: lists the interfaces again once the list is old. */
static void refresh_interfaces(ms_udp *u)
{
    if (ms_plat_monotonic_ms() - u->listed_at <= INTERFACE_REFRESH_MS)
        return;
    uint32_t ifs[MS_NETIF_MAX];
    size_t n;
    if (ms_netif_list(u->cfg.interface, ifs, &n) == MAILSLOT_OK) {
        memcpy(u->ifs, ifs, n * sizeof ifs[0]);
        u->nif = n;
    }
    u->listed_at = ms_plat_monotonic_ms();
}

static int send_group(ms_udp *u, const void *packet, size_t len)
{
    ms_addr to;
    ms_addr_ipv4(u->group, u->cfg.port, &to);
    ms_lock_acquire(&u->mu);
    refresh_interfaces(u);
    size_t sent = 0;
    int err = 0;
    for (size_t i = 0; i < u->nif; i++) {
        int e = ms_sock_multicast_if(u->group_sock, u->ifs[i]);
        if (e == 0)
            e = ms_sock_send(u->group_sock, packet, len, &to);
        if (e != 0)
            err = e;
        else
            sent++;
    }
    size_t tried = u->nif;
    ms_lock_release(&u->mu);
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
        ms_sock s = u->dest[i].family == 6 ? u->sock6 : u->sock4;
        int e = ms_sock_send(s, packet, len, &u->dest[i]);
        if (e != 0)
            err = e;
        else
            sent++;
    }
    if (sent == 0)
        return ms_fail_os(MAILSLOT_E_NETWORK, err, "cannot send to any address of the host");
    return MAILSLOT_OK;
}

int ms_udp_send(ms_udp *u, const void *packet, size_t len)
{
    return u->group_sock != MS_SOCK_NONE ? send_group(u, packet, len)
                                         : send_unicast(u, packet, len);
}

void ms_udp_close(ms_udp *u)
{
    if (!u)
        return;
    ms_sock all[] = {u->group_sock, u->sock4, u->sock6};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i] != MS_SOCK_NONE)
            ms_sock_close(all[i]);
    ms_lock_destroy(&u->mu);
    ms_free(u);
}

void ms_udp_join_groups(const ms_net_config *cfg, ms_sock s)
{
    uint32_t ifs[MS_NETIF_MAX];
    size_t nif = 0;
    if (ms_netif_list(cfg->interface, ifs, &nif) != MAILSLOT_OK)
        return;
    for (size_t i = 0; i < nif; i++)
        for (size_t g = 0; g <= cfg->ndomains; g++)
            ms_sock_join(
                s,
                g == 0 ? MS_WIRE_GROUP_ALL
                       : ms_wire_domain_group(cfg->domains[g - 1], strlen(cfg->domains[g - 1])),
                ifs[i]);
}
