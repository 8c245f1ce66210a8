/* SPDX-License-Identifier: MIT */
/* socket.c -- the UDP sockets of os.h: what the core's senders (net/udp.c)
 * and the forwarder use.
 *
 * POSIX sockets and getaddrinfo, with SOCK_CLOEXEC and MSG_NOSIGNAL (Linux
 * and the BSDs); Linux only: struct ip_mreqn (interfaces by index). */
#define _GNU_SOURCE
#include "error.h"
#include "os.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

_Static_assert(sizeof(struct sockaddr_in6) <= sizeof(((ms_addr *)0)->sa), "ms_addr holds it");

void ms_addr_ipv4(uint32_t ip, uint16_t port, ms_addr *out)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
    ms_addr_set(out, 4, &sin, sizeof sin);
}

int ms_resolve(const char *host, uint16_t port, ms_addr *out, size_t cap, size_t *count)
{
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, service, &hints, &res);
    *count = 0;
    if (gai != 0)
        return ms_fail(MAILSLOT_E_NOT_FOUND, "cannot resolve host \"%s\": %s", host,
                       gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
    for (struct addrinfo *ai = res; ai && *count < cap; ai = ai->ai_next)
        if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
            *count += (size_t)ms_addr_set(&out[*count], ai->ai_family == AF_INET6 ? 6 : 4,
                                          ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(res);
    return MAILSLOT_OK;
}

int ms_sock_udp(int family, ms_sock *out)
{
    int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    *out = fd < 0 ? MS_SOCK_NONE : (ms_sock)fd;
    return fd < 0 ? errno : 0;
}

int ms_sock_multicast_out(ms_sock s, int ttl)
{
    int loop = 0;
    if (setsockopt((int)s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt((int)s, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0)
        return errno;
    return 0;
}

int ms_sock_multicast_if(ms_sock s, uint32_t ifc)
{
    struct ip_mreqn via = {.imr_ifindex = (int)ifc};
    return setsockopt((int)s, IPPROTO_IP, IP_MULTICAST_IF, &via, sizeof via) != 0 ? errno : 0;
}

int ms_sock_join(ms_sock s, uint32_t group, uint32_t ifc)
{
    struct ip_mreqn m = {.imr_multiaddr.s_addr = htonl(group), .imr_ifindex = (int)ifc};
    return setsockopt((int)s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0 ? errno : 0;
}

int ms_sock_send(ms_sock s, const void *buf, size_t len, const ms_addr *to)
{
    const struct sockaddr *sa = (const void *)to->sa;
    return sendto((int)s, buf, len, MSG_NOSIGNAL, sa, to->len) < 0 ? errno : 0;
}

void ms_sock_close(ms_sock s)
{
    if (s != MS_SOCK_NONE)
        close((int)s);
}
