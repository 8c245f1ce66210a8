/* SPDX-License-Identifier: MIT */
/* netif.h -- this host's network interfaces (Windows: GetAdaptersAddresses). */
#ifndef MS_WIN32_NETIF_H
#define MS_WIN32_NETIF_H

#include <stddef.h>
#include <stdint.h>

/* The interfaces for multicast: ms_netif_list (os.h); on Windows each is
 * named by an IPv4 address of its (network order), as IP_MULTICAST_IF and
 * IP_ADD_MEMBERSHIP take it. A configured interface is named as Windows
 * shows it ("Ethernet 2", compared ignoring case), by its adapter GUID
 * ("{...}"), or by one of its IPv4 addresses; one without an IPv4 address
 * gives none. */

/* 1 when text is an IPv4 or IPv6 literal of an address of this host. */
int ms_netif_is_own_address(const char *text);

#endif
