/* SPDX-License-Identifier: MIT */
/* os_sockets.h -- for the backends: the functions of os.h that are the same
 * over POSIX sockets and Winsock 2, which share struct sockaddr_in and
 * getaddrinfo's struct addrinfo: ms_addr_ipv4 and ms_addr_ipv4_of, and reading and freeing the
 * resolver's list (the core walks it, net/udp.c).
 *
 * A backend's socket.c includes this once, after its socket headers
 * (<netdb.h> and <netinet/in.h>; <ws2tcpip.h>), and defines
 * ms_addr_list_get itself: how each system is asked and reports failure
 * differs. The core never includes it (lint_os_headers). */
#ifndef MS_OS_SOCKETS_H
#define MS_OS_SOCKETS_H

#include "os.h"

_Static_assert(sizeof(struct sockaddr_in6) <= sizeof(((ms_addr *)0)->sa), "ms_addr holds it");

void ms_addr_ipv4(uint32_t ip, uint16_t port, ms_addr *out)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    sin.sin_addr.s_addr = htonl(ip);
    ms_addr_set(out, 4, &sin, sizeof sin);
}

uint32_t ms_addr_ipv4_of(const ms_addr *a)
{
    struct sockaddr_in sin;
    memcpy(&sin, a->sa, sizeof sin);
    return ntohl(sin.sin_addr.s_addr);
}

int ms_addr_list_next(const ms_addr_list **at, ms_addr *out)
{
    const struct addrinfo *ai = (const struct addrinfo *)*at;
    *at = (const ms_addr_list *)ai->ai_next;
    int family = ai->ai_family == AF_INET ? 4 : ai->ai_family == AF_INET6 ? 6 : 0;
    return family && ms_addr_set(out, family, ai->ai_addr, ai->ai_addrlen);
}

void ms_addr_list_free(ms_addr_list *l)
{
    freeaddrinfo((struct addrinfo *)l);
}

#endif
