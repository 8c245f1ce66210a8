/* SPDX-License-Identifier: MIT */
/* netif.h -- this host's network interfaces (Linux). */
#ifndef MS_LINUX_NETIF_H
#define MS_LINUX_NETIF_H

#include <stddef.h>

#define MS_NETIF_MAX 32

/* The interfaces to use for multicast: the one named by `configured` (an
 * interface name or one of its IPv4 addresses), or when it is "" every
 * interface that is up, multicast-capable, not loopback and has an IPv4
 * address. MAILSLOT_OK, MAILSLOT_E_NETWORK (no such interface),
 * MAILSLOT_E_SYSTEM. */
int ms_netif_list(const char *configured, int *index, size_t *count);

/* 1 when text is an IPv4 or IPv6 literal of an address of this host. */
int ms_netif_is_own_address(const char *text);

#endif
