/* SPDX-License-Identifier: MIT */
/* udp.c -- UDP senders on Linux: multicast on each interface, unicast to
 * each address of a host.
 *
 * Linux only: struct ip_mreqn (interfaces by index), getrandom. */
#define _GNU_SOURCE
#include "alloc.h"
#include "error.h"
#include "net/netconfig.h"
#include "transport.h"
#include "os.h"
#include "linux/netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DESTS 16
/* How long a multicast sender trusts its list of interfaces: interfaces come
 * and go (a laptop's Wi-Fi, DHCP at boot). */
#define INTERFACE_REFRESH_MS 10000

struct ms_udp {
    pthread_mutex_t mu; /* guards the interface list and its refresh */
    ms_net_config cfg;
    /* Multicast: one socket, sent on each interface in turn. */
    int group_fd;
    uint32_t group;
    int ifindex[MS_NETIF_MAX];
    size_t nif;
    int64_t listed_at;
    /* Unicast: the resolved addresses and one socket per family. */
    int fd4, fd6;
    struct sockaddr_storage dest[MAX_DESTS];
    socklen_t dest_len[MAX_DESTS];
    size_t ndest;
};

static ms_udp *new_udp(const ms_net_config *cfg)
{
    ms_udp *u = ms_calloc(1, sizeof *u);
    if (!u)
        return NULL;
    pthread_mutex_init(&u->mu, NULL);
    u->cfg = *cfg;
    u->group_fd = u->fd4 = u->fd6 = -1;
    return u;
}

static int new_socket(int family, int *fd)
{
    *fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (*fd < 0)
        return ms_fail_os(family == AF_INET6 ? MAILSLOT_E_NETWORK : MAILSLOT_E_SYSTEM, errno,
                          "cannot create a UDP socket");
    return MAILSLOT_OK;
}

int ms_udp_open_group(const ms_net_config *cfg, uint32_t group, ms_udp **out)
{
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    u->group = group;
    int rc = new_socket(AF_INET, &u->group_fd);
    if (rc == MAILSLOT_OK) {
        int ttl = cfg->ttl, loop = 0;
        /* Loopback off: this host's copy goes to its reader directly, once. */
        if (setsockopt(u->group_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
            setsockopt(u->group_fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot set up a multicast socket");
    }
    if (rc == MAILSLOT_OK)
        rc = ms_netif_list(cfg->interface, u->ifindex, &u->nif);
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
        if (u->dest_len[i] == ai->ai_addrlen &&
            memcmp(&u->dest[i], ai->ai_addr, ai->ai_addrlen) == 0)
            return MAILSLOT_OK;
    if (u->ndest == MAX_DESTS)
        return MAILSLOT_OK;
    int *fd = ai->ai_family == AF_INET6 ? &u->fd6 : &u->fd4;
    if (*fd < 0) {
        int rc = new_socket(ai->ai_family, fd);
        if (rc != MAILSLOT_OK)
            return ai->ai_family == AF_INET6 ? MAILSLOT_OK : rc; /* a host without IPv6 */
    }
    memcpy(&u->dest[u->ndest], ai->ai_addr, ai->ai_addrlen);
    u->dest_len[u->ndest++] = ai->ai_addrlen;
    return MAILSLOT_OK;
}

int ms_udp_open_host(const ms_net_config *cfg, const char *host, ms_udp **out)
{
    ms_udp *u = new_udp(cfg);
    if (!u)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory for a UDP sender");
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)cfg->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    int rc = MAILSLOT_OK;
    if (gai != 0) {
        rc = ms_fail(MAILSLOT_E_NOT_FOUND, "cannot resolve host \"%s\": %s", host,
                     gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
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
    pthread_mutex_lock(&u->mu);
    if (ms_plat_monotonic_ms() - u->listed_at > INTERFACE_REFRESH_MS) {
        int idx[MS_NETIF_MAX];
        size_t n;
        if (ms_netif_list(u->cfg.interface, idx, &n) == MAILSLOT_OK) {
            memcpy(u->ifindex, idx, n * sizeof idx[0]);
            u->nif = n;
        }
        u->listed_at = ms_plat_monotonic_ms();
    }
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(u->cfg.port), .sin_addr.s_addr = htonl(u->group)};
    size_t sent = 0;
    int err = 0;
    for (size_t i = 0; i < u->nif; i++) {
        struct ip_mreqn via = {.imr_ifindex = u->ifindex[i]};
        if (setsockopt(u->group_fd, IPPROTO_IP, IP_MULTICAST_IF, &via, sizeof via) != 0 ||
            sendto(u->group_fd, packet, len, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to) < 0)
            err = errno;
        else
            sent++;
    }
    size_t tried = u->nif;
    pthread_mutex_unlock(&u->mu);
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
        int fd = u->dest[i].ss_family == AF_INET6 ? u->fd6 : u->fd4;
        if (sendto(fd, packet, len, MSG_NOSIGNAL, (struct sockaddr *)&u->dest[i], u->dest_len[i]) >=
            0)
            sent++;
        else
            err = errno;
    }
    if (sent == 0)
        return ms_fail_os(MAILSLOT_E_NETWORK, err, "cannot send to any address of the host");
    return MAILSLOT_OK;
}

int ms_udp_send(ms_udp *u, const void *packet, size_t len)
{
    return u->group_fd >= 0 ? send_group(u, packet, len) : send_unicast(u, packet, len);
}

void ms_udp_close(ms_udp *u)
{
    if (!u)
        return;
    int fds[] = {u->group_fd, u->fd4, u->fd6};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    pthread_mutex_destroy(&u->mu);
    ms_free(u);
}

int ms_plat_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot get random bytes");
        p += n;
        len -= (size_t)n;
    }
    return MAILSLOT_OK;
}
