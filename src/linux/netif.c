/* SPDX-License-Identifier: MIT */
/* netif.c -- this host's network interfaces (Linux).
 *
 * getifaddrs and interface indexes: Linux and the BSDs, not POSIX. */
#define _GNU_SOURCE
#include "error.h"
#include "os.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

static int add_index(uint32_t *index, size_t *count, uint32_t ifindex)
{
    for (size_t i = 0; i < *count; i++)
        if (index[i] == ifindex)
            return 0;
    if (*count == MS_NETIF_MAX)
        return 0;
    index[(*count)++] = ifindex;
    return 1;
}

static int configured_index(const char *configured, uint32_t *index, size_t *count)
{
    unsigned idx = if_nametoindex(configured);
    struct in_addr want;
    if (!idx && inet_pton(AF_INET, configured, &want) == 1) {
        struct ifaddrs *all = NULL;
        if (getifaddrs(&all) != 0)
            return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot list network interfaces");
        for (struct ifaddrs *a = all; a && !idx; a = a->ifa_next)
            if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
                ((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr == want.s_addr)
                idx = if_nametoindex(a->ifa_name);
        freeifaddrs(all);
    }
    if (!idx)
        return ms_fail(MAILSLOT_E_NETWORK, "no network interface is named or has address \"%s\"",
                       configured);
    *count = 0;
    add_index(index, count, idx);
    return MAILSLOT_OK;
}

int ms_netif_list(const char *configured, uint32_t *index, size_t *count)
{
    if (configured[0])
        return configured_index(configured, index, count);
    struct ifaddrs *all = NULL;
    if (getifaddrs(&all) != 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot list network interfaces");
    *count = 0;
    const unsigned need = IFF_UP | IFF_MULTICAST;
    for (struct ifaddrs *a = all; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & need) != need ||
            (a->ifa_flags & IFF_LOOPBACK))
            continue;
        unsigned idx = if_nametoindex(a->ifa_name);
        if (idx)
            add_index(index, count, idx);
    }
    freeifaddrs(all);
    return MAILSLOT_OK;
}

/* a is an IPv4 address of an interface that broadcasts and is up, and the
 * one configured names (by its name or this address) when it is not "". */
static int broadcasts(const struct ifaddrs *a, const char *configured)
{
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || !a->ifa_netmask ||
        !(a->ifa_flags & IFF_UP) || !(a->ifa_flags & IFF_BROADCAST) ||
        (a->ifa_flags & IFF_LOOPBACK))
        return 0;
    if (!configured[0] || strcmp(a->ifa_name, configured) == 0)
        return 1;
    char text[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &((const struct sockaddr_in *)a->ifa_addr)->sin_addr, text,
                     sizeof text) &&
           strcmp(text, configured) == 0;
}

int ms_netif_broadcasts(const char *configured, ms_netif_ipv4 *out, size_t *count)
{
    struct ifaddrs *all = NULL;
    if (getifaddrs(&all) != 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot list network interfaces");
    *count = 0;
    for (struct ifaddrs *a = all; a && *count < MS_NETIF_MAX; a = a->ifa_next) {
        if (!broadcasts(a, configured))
            continue;
        out[*count].addr = ntohl(((const struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr);
        out[*count].mask = ntohl(((const struct sockaddr_in *)a->ifa_netmask)->sin_addr.s_addr);
        (*count)++;
    }
    freeifaddrs(all);
    if (configured[0] && *count == 0)
        return ms_fail(MAILSLOT_E_NETWORK,
                       "no network interface that broadcasts is named or has address \"%s\"",
                       configured);
    return MAILSLOT_OK;
}

int ms_plat_is_own_address(const char *text)
{
    unsigned char want[sizeof(struct in6_addr)];
    int family = inet_pton(AF_INET, text, want) == 1    ? AF_INET
                 : inet_pton(AF_INET6, text, want) == 1 ? AF_INET6
                                                        : 0;
    if (!family)
        return 0;
    struct ifaddrs *all = NULL;
    if (getifaddrs(&all) != 0)
        return 0;
    int found = 0;
    for (struct ifaddrs *a = all; a && !found; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != family)
            continue;
        const void *have = family == AF_INET
                               ? (const void *)&((struct sockaddr_in *)a->ifa_addr)->sin_addr
                               : (const void *)&((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
        found = memcmp(have, want, family == AF_INET ? 4 : 16) == 0;
    }
    freeifaddrs(all);
    return found;
}
