/* SPDX-License-Identifier: MIT */
/* lsender.c -- a writer's NetBIOS datagrams in legacy mode (lsender.h).
 *
 * Windows sends "\\DOMAIN\mailslot\x" and "\\*\mailslot\x" as direct group
 * datagrams to the subnet's broadcast address, and "\\HOST\mailslot\x" as a
 * direct unique datagram to the host's address; a datagram carries its
 * sender's address and port 138 in its header, whatever port it left from.
 * So each datagram is encoded for the interface it leaves by: its source
 * address is that interface's. One socket sends them all: the routing table
 * takes each broadcast address out of its own interface. */
#include "net/lsender.h"
#include "alloc.h"
#include "error.h"
#include "name.h"
#include "net/netconfig.h"
#include "net/udp.h"
#include "os.h"

#include <stdio.h>
#include <string.h>

struct ms_lsender {
    ms_lock mu; /* guards the interfaces and the datagram id */
    char interface[MS_NET_INTERFACE_MAX + 1];
    int group;        /* 1: to each interface's broadcast address; 0: to host_ip */
    uint32_t host_ip; /* host order */
    ms_legacy_name source, destination;
    char mailslot[sizeof MS_LEGACY_MAILSLOT_PREFIX + MS_PATH_MAX];
    size_t mailslot_len;
    ms_sock sock;
    ms_netif_ipv4 ifs[MS_NETIF_MAX];
    size_t nif;
    int64_t listed_at;
    uint16_t next_id;
};

static void print_ip(uint32_t ip, char *buf, size_t cap)
{
    snprintf(buf, cap, "%u.%u.%u.%u", (unsigned)(ip >> 24), (unsigned)(ip >> 16) & 255u,
             (unsigned)(ip >> 8) & 255u, (unsigned)ip & 255u);
}

int ms_lsender_name(const char *text, const char *what, ms_legacy_name *out)
{
    if (ms_legacy_name_make(text, strlen(text), MS_LEGACY_SUFFIX_WORKSTATION, out) != 0)
        return ms_fail(MAILSLOT_E_NAME,
                       "legacy mode: %s \"%s\" is not a NetBIOS name (1 to 15 characters, no dot, "
                       "none of \\ / : * ? \" < > |)",
                       what, text);
    return MAILSLOT_OK;
}

/* This host's NetBIOS name, the datagrams' source. */
static int source_name(const ms_net_config *cfg, ms_legacy_name *out)
{
    char host[MS_HOST_MAX + 1] = "";
    if (!cfg->netbios_name[0] && ms_plat_host_name(host, sizeof host) != 0)
        host[0] = '\0';
    if (ms_legacy_host_name(cfg->netbios_name, host, MS_LEGACY_SUFFIX_WORKSTATION, out) != 0)
        return ms_fail(MAILSLOT_E_INVALID,
                       "legacy mode: this host's name \"%s\" gives no NetBIOS name; set one "
                       "(MAILSLOT_NETBIOS_NAME)",
                       host);
    return MAILSLOT_OK;
}

/* Under s->mu, or before s is shared: lists the interfaces again once the
 * list is old. A failed listing keeps the old list. */
static int list_interfaces(ms_lsender *s, int force)
{
    if (!force && ms_plat_monotonic_ms() - s->listed_at <= MS_UDP_INTERFACE_REFRESH_MS)
        return MAILSLOT_OK;
    ms_netif_ipv4 ifs[MS_NETIF_MAX];
    size_t n = 0;
    int rc = ms_netif_broadcasts(s->interface, ifs, &n);
    if (rc == MAILSLOT_OK) {
        memcpy(s->ifs, ifs, n * sizeof ifs[0]);
        s->nif = n;
    }
    s->listed_at = ms_plat_monotonic_ms();
    return rc;
}

static int new_lsender(const ms_net_config *cfg, const char *path, ms_lsender **out)
{
    ms_lsender *s = ms_calloc(1, sizeof *s);
    if (!s)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a legacy sender");
    ms_lock_init(&s->mu);
    s->sock = MS_SOCK_NONE;
    memcpy(s->interface, cfg->interface, sizeof s->interface);
    s->mailslot_len =
        (size_t)snprintf(s->mailslot, sizeof s->mailslot, MS_LEGACY_MAILSLOT_PREFIX "%s", path);
    int rc = source_name(cfg, &s->source);
    if (rc == MAILSLOT_OK)
        rc = ms_plat_random(&s->next_id, sizeof s->next_id);
    int err = rc == MAILSLOT_OK ? ms_sock_udp(4, &s->sock) : 0;
    if (err == 0 && rc == MAILSLOT_OK)
        err = ms_sock_broadcast(s->sock);
    if (err != 0)
        rc = ms_fail_os(MAILSLOT_E_SYSTEM, err, "cannot open a UDP socket for NetBIOS datagrams");
    if (rc == MAILSLOT_OK)
        rc = list_interfaces(s, 1);
    if (rc != MAILSLOT_OK) {
        ms_lsender_close(s);
        return rc;
    }
    *out = s;
    return MAILSLOT_OK;
}

int ms_lsender_open_group(const ms_net_config *cfg, const ms_legacy_name *group, const char *path,
                          ms_lsender **out)
{
    int rc = new_lsender(cfg, path, out);
    if (rc == MAILSLOT_OK) {
        (*out)->group = 1;
        (*out)->destination = *group;
    }
    return rc;
}

/* The first IPv4 address the resolver gives for host: 1, or 0. */
static int resolve_ipv4(const char *host, uint32_t *ip)
{
    ms_addr_list *list = NULL;
    if (ms_addr_list_get(host, "138", &list) != MAILSLOT_OK)
        return 0;
    int found = 0;
    ms_addr a;
    for (const ms_addr_list *at = list; at && !found;)
        found = ms_addr_list_next(&at, &a) && a.family == 4;
    ms_addr_list_free(list);
    if (found)
        *ip = ms_addr_ipv4_of(&a);
    return found;
}

/* Broadcasts the name query for name on each interface. */
static void send_query(ms_lsender *s, uint16_t id, const ms_legacy_name *name)
{
    unsigned char q[MS_LEGACY_QUERY_LEN];
    ms_legacy_query_encode(id, name, q);
    for (size_t i = 0; i < s->nif; i++) {
        ms_addr to;
        ms_addr_ipv4(s->ifs[i].addr | ~s->ifs[i].mask, MS_LEGACY_NAME_PORT, &to);
        (void)ms_sock_send(s->sock, q, sizeof q, &to); /* an interface down: the others ask */
    }
}

/* Waits until the deadline for the answer to query id: 1 with *ip, or 0. */
static int await_answer(ms_lsender *s, uint16_t id, const ms_legacy_name *name, int64_t deadline,
                        uint32_t *ip)
{
    unsigned char buf[576];
    for (;;) {
        int64_t left = deadline - ms_plat_monotonic_ms();
        size_t len = 0;
        if (left <= 0 || ms_sock_recv(s->sock, buf, sizeof buf, (int)left, &len) != 0)
            return 0;
        if (ms_legacy_query_answer(buf, len, id, name, ip))
            return 1;
    }
}

/* A NetBIOS name query for name, as Windows asks when DNS does not know a
 * host: broadcast, answered by the host that owns the name. */
static int query(ms_lsender *s, const ms_legacy_name *name, uint32_t *ip)
{
    uint16_t id = s->next_id++;
    for (int i = 0; i < MS_LSENDER_QUERY_TRIES; i++) {
        send_query(s, id, name);
        if (await_answer(s, id, name, ms_plat_monotonic_ms() + MS_LSENDER_QUERY_WAIT_MS, ip))
            return 1;
    }
    return 0;
}

int ms_lsender_open_host(const ms_net_config *cfg, const char *host, const ms_legacy_name *name,
                         const char *path, ms_lsender **out)
{
    ms_lsender *s = NULL;
    int rc = new_lsender(cfg, path, &s);
    if (rc == MAILSLOT_OK) {
        s->destination = *name;
        if (!resolve_ipv4(host, &s->host_ip) && !query(s, name, &s->host_ip))
            rc = ms_fail(MAILSLOT_E_NOT_FOUND,
                         "host \"%s\" does not resolve, and no host answered a NetBIOS name query "
                         "for %s<00>",
                         host, host);
    }
    if (rc != MAILSLOT_OK) {
        ms_lsender_close(s);
        return rc;
    }
    *out = s;
    return MAILSLOT_OK;
}

/* Under s->mu: encodes the write as sent by interface ifc (its address is
 * the source's) and sends it to ip. 0 or the OS's error number. */
static int send_one(ms_lsender *s, const ms_netif_ipv4 *ifc, uint32_t ip, const void *data,
                    size_t len)
{
    ms_legacy_datagram d = {
        .type = s->group ? MS_LEGACY_DIRECT_GROUP : MS_LEGACY_DIRECT_UNIQUE,
        .flags = MS_LEGACY_FLAG_FIRST | MS_LEGACY_NODE_M,
        .id = s->next_id++,
        .source_ip = ifc ? ifc->addr : 0,
        .source_port = MS_LEGACY_PORT,
        .source = s->source,
        .destination = s->destination,
        .priority = 1,
        .mailslot = s->mailslot,
        .mailslot_len = s->mailslot_len,
        .data = data,
        .data_len = len,
    };
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t n = ms_legacy_encode(&d, buf, sizeof buf);
    ms_addr to;
    ms_addr_ipv4(ip, MS_LEGACY_PORT, &to);
    return n ? ms_sock_send(s->sock, buf, n, &to) : -1;
}

/* The interface a datagram to ip leaves by: the one whose subnet holds it,
 * else the first (the default route's, most likely); NULL when none. */
static const ms_netif_ipv4 *interface_to(const ms_lsender *s, uint32_t ip)
{
    for (size_t i = 0; i < s->nif; i++)
        if ((s->ifs[i].addr & s->ifs[i].mask) == (ip & s->ifs[i].mask))
            return &s->ifs[i];
    return s->nif ? &s->ifs[0] : NULL;
}

/* Under s->mu: one datagram per interface, to its broadcast address. */
static int send_group(ms_lsender *s, const void *data, size_t len, size_t *sent)
{
    int err = 0;
    for (size_t i = 0; i < s->nif; i++) {
        int e = send_one(s, &s->ifs[i], s->ifs[i].addr | ~s->ifs[i].mask, data, len);
        if (e == 0)
            (*sent)++;
        else
            err = e;
    }
    return err;
}

int ms_lsender_send(ms_lsender *s, const void *data, size_t len)
{
    ms_lock_acquire(&s->mu);
    (void)list_interfaces(s, 0);
    size_t sent = 0, tried = s->group ? s->nif : 1;
    int err = 0;
    if (s->group) {
        err = send_group(s, data, len, &sent);
    } else {
        err = send_one(s, interface_to(s, s->host_ip), s->host_ip, data, len);
        sent = err == 0;
    }
    ms_lock_release(&s->mu);
    if (tried == 0 || sent > 0)
        return MAILSLOT_OK;
    if (err < 0)
        return ms_fail(MAILSLOT_E_TOO_BIG, "a legacy write of %zu bytes does not fit a datagram",
                       len);
    char ip[16] = "";
    print_ip(s->host_ip, ip, sizeof ip);
    return ms_fail_os(MAILSLOT_E_NETWORK, err, "cannot send the NetBIOS datagram to %s",
                      s->group ? "any broadcast address" : ip);
}

void ms_lsender_close(ms_lsender *s)
{
    if (!s)
        return;
    ms_sock_close(s->sock);
    ms_lock_destroy(&s->mu);
    ms_free(s);
}
