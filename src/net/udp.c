/* SPDX-License-Identifier: MIT */
/* udp.c -- UDP senders: multicast on each interface in turn, unicast to each
 * address of a host. The OS gives sockets, interfaces and name resolution
 * (os.h); the destinations, the interface refresh and the send loop are
 * here, once for every OS.
 *
 * A multicast sender keeps one socket per interface, its outgoing interface
 * set once when the socket opens, so that a message costs one send per
 * interface: setting the interface before each send tripled the system calls
 * of a write to "*" (sendmsg with IP_PKTINFO would do the same on Linux, but
 * Winsock chooses a multicast interface only through the socket option). */
#include "net/udp.h"
#include "alloc.h"
#include "error.h"
#include "net/netconfig.h"
#include "net/wire.h"
#include "os.h"

#include <stdio.h>
#include <string.h>

#define MAX_DESTS 16

struct ms_udp {
    ms_lock mu; /* guards the interfaces, their sockets and the refresh */
    ms_net_config cfg;
    /* Multicast: a socket per interface (MS_SOCK_NONE: it could not be set
     * up; its sends count as failed). */
    int multicast;
    uint32_t group; /* host order */
    uint32_t ifs[MS_NETIF_MAX];
    ms_sock if_socks[MS_NETIF_MAX];
    size_t nif;
    int open_err; /* why a socket of if_socks is MS_SOCK_NONE */
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
    u->sock4 = u->sock6 = MS_SOCK_NONE;
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

/* A socket that sends multicast out of interface ifc only; 0 or the OS's
 * error number. */
static int open_interface_socket(const ms_net_config *cfg, uint32_t ifc, ms_sock *out)
{
    int err = ms_sock_udp(4, out);
    if (err == 0)
        err = ms_sock_multicast_out(*out, cfg->ttl);
    if (err == 0)
        err = ms_sock_multicast_if(*out, ifc);
    if (err != 0 && *out != MS_SOCK_NONE) {
        ms_sock_close(*out);
        *out = MS_SOCK_NONE;
    }
    return err;
}

/* Under u->mu (or before u is shared): makes the interfaces ifs[0..n) the
 * sender's, keeping the socket of each interface it had already, opening
 * one for each new interface and closing those of interfaces gone. An
 * interface whose socket cannot be set up stays, without a socket: its sends
 * fail with the reason (u->open_err), as a send on it would. */
static void set_interfaces(ms_udp *u, const uint32_t *ifs, size_t n)
{
    ms_sock socks[MS_NETIF_MAX];
    for (size_t i = 0; i < n; i++) {
        socks[i] = MS_SOCK_NONE;
        for (size_t j = 0; j < u->nif && socks[i] == MS_SOCK_NONE; j++)
            if (u->ifs[j] == ifs[i]) {
                socks[i] = u->if_socks[j];
                u->if_socks[j] = MS_SOCK_NONE; /* moved */
            }
        int err = socks[i] == MS_SOCK_NONE ? open_interface_socket(&u->cfg, ifs[i], &socks[i]) : 0;
        if (err != 0)
            u->open_err = err;
    }
    for (size_t j = 0; j < u->nif; j++)
        ms_sock_close(u->if_socks[j]);
    for (size_t i = 0; i < n; i++) {
        u->ifs[i] = ifs[i];
        u->if_socks[i] = socks[i];
    }
    u->nif = n;
}

int ms_udp_open_group(const ms_net_config *cfg, uint32_t group, ms_udp **out)
{
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    u->multicast = 1;
    u->group = group;
    uint32_t ifs[MS_NETIF_MAX];
    size_t n = 0;
    int rc = ms_netif_list(cfg->interface, ifs, &n);
    if (rc == MAILSLOT_OK)
        set_interfaces(u, ifs, n);
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
    if (ms_plat_monotonic_ms() - u->listed_at <= MS_UDP_INTERFACE_REFRESH_MS)
        return;
    uint32_t ifs[MS_NETIF_MAX];
    size_t n;
    if (ms_netif_list(u->cfg.interface, ifs, &n) == MAILSLOT_OK)
        set_interfaces(u, ifs, n);
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
        int e = u->if_socks[i] == MS_SOCK_NONE ? u->open_err
                                               : ms_sock_send(u->if_socks[i], packet, len, &to);
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
    return u->multicast ? send_group(u, packet, len) : send_unicast(u, packet, len);
}

void ms_udp_close(ms_udp *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->nif; i++)
        ms_sock_close(u->if_socks[i]);
    ms_sock_close(u->sock4);
    ms_sock_close(u->sock6);
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

void ms_udp_send_from(ms_sock s, uint16_t port, const uint32_t *ifs, size_t nif,
                      uint32_t *current_if, ms_udp_resend *d, size_t n)
{
    enum { CHUNK = 64 };
    ms_addr to[CHUNK];
    ms_sock_msg m[CHUNK];
    size_t sent[CHUNK];
    int err = 0;
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t k = n - at < CHUNK ? n - at : CHUNK;
        for (size_t j = 0; j < k; j++) {
            ms_addr_ipv4(d[at + j].group, port, &to[j]);
            m[j] = (ms_sock_msg){.buf = d[at + j].packet, .len = d[at + j].len, .to = &to[j]};
            sent[j] = 0;
        }
        for (size_t i = 0; i < nif; i++) {
            /* One interface (the usual bridge host): set once, not per send. */
            int e = *current_if == ifs[i] ? 0 : ms_sock_multicast_if(s, ifs[i]);
            *current_if = e == 0 ? ifs[i] : MS_UDP_NO_IF;
            if (e == 0)
                ms_sock_send_many(s, m, k);
            for (size_t j = 0; j < k; j++) {
                int ej = e != 0 ? e : m[j].err;
                if (ej != 0)
                    err = ej;
                else
                    sent[j]++;
            }
        }
        for (size_t j = 0; j < k; j++)
            d[at + j].rc = nif > 0 && sent[j] == 0 ? MAILSLOT_E_NETWORK : MAILSLOT_OK;
    }
    if (err != 0)
        ms_fail_os(MAILSLOT_E_NETWORK, err, "cannot re-send to the multicast group");
}
