/* SPDX-License-Identifier: MIT */
/* netif.h -- this host's network interfaces (Linux). */
#ifndef MS_LINUX_NETIF_H
#define MS_LINUX_NETIF_H

#include <stddef.h>

/* The interfaces for multicast: ms_netif_list (os.h). */

/* 1 when text is an IPv4 or IPv6 literal of an address of this host. */
int ms_netif_is_own_address(const char *text);

#endif
