/* SPDX-License-Identifier: MIT */
/* netif.h -- this host's network interfaces (Windows: GetAdaptersAddresses). */
#ifndef MS_WIN32_NETIF_H
#define MS_WIN32_NETIF_H

#include <stddef.h>
#include <stdint.h>

#define MS_NETIF_MAX 32

/* The interfaces to use for multicast, each named by an IPv4 address of its
 * (network byte order; Windows's IP_MULTICAST_IF and IP_ADD_MEMBERSHIP take
 * an interface's address): the interface `configured` names -- its name as
 * Windows shows it ("Ethernet 2", compared ignoring case), its adapter GUID
 * ("{...}"), or one of its IPv4 addresses -- or, when `configured` is "",
 * every interface that is up, multicast-capable, not loopback and has an
 * IPv4 address. A configured interface without an IPv4 address gives none.
 * MAILSLOT_OK, MAILSLOT_E_NETWORK (no such interface), MAILSLOT_E_NOMEM,
 * MAILSLOT_E_SYSTEM. */
int ms_netif_list(const char *configured, uint32_t *addr, size_t *count);

/* 1 when text is an IPv4 or IPv6 literal of an address of this host. */
int ms_netif_is_own_address(const char *text);

#endif
