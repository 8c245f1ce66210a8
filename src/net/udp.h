/* SPDX-License-Identifier: MIT */
/* udp.h -- UDP senders: multicast on each interface, or unicast to each
 * address of a host. Written once, over the sockets of os.h. */
#ifndef MS_NET_UDP_H
#define MS_NET_UDP_H

#include "os.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ms_net_config ms_net_config;
typedef struct ms_udp ms_udp;

/* How long a sender to every interface trusts its list of interfaces:
 * interfaces come and go (a laptop's Wi-Fi, DHCP at boot). */
#define MS_UDP_INTERFACE_REFRESH_MS 10000

/* A sender to an IPv4 multicast group (host order) on cfg's interface, or
 * on every interface that is up and multicast-capable, loopback excepted;
 * TTL cfg->ttl; this host's own sockets do not receive the packets. One
 * socket per interface, which sends out of that interface only; an interface
 * whose socket cannot be set up fails its sends instead (ms_udp_send).
 * MAILSLOT_OK, MAILSLOT_E_NETWORK (no such interface), MAILSLOT_E_NOMEM. */
int ms_udp_open_group(const ms_net_config *cfg, uint32_t group, ms_udp **out);

/* A sender to every address of host (a name or an IP literal), port
 * cfg->port. MAILSLOT_E_NOT_FOUND when the name does not resolve (detail
 * set), MAILSLOT_E_NETWORK, MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM. */
int ms_udp_open_host(const ms_net_config *cfg, const char *host, ms_udp **out);

/* Sends one datagram to each destination. MAILSLOT_OK when at least one
 * send succeeded or there is nowhere to send (no multicast interface is up);
 * MAILSLOT_E_NETWORK when every send failed. Thread-safe. */
int ms_udp_send(ms_udp *u, const void *packet, size_t len);

void ms_udp_close(ms_udp *u);

/* The host forwarder's side: joins, on s (bound to the port), the groups
 * this host receives -- "every host" and each of cfg's domains' -- on each
 * of cfg's multicast interfaces. A failed join is passed over: two domains
 * may share a group, joined already. */
void ms_udp_join_groups(const ms_net_config *cfg, ms_sock s);

/* One datagram of the bridge's re-send: its bytes, its group (host order),
 * and (set by ms_udp_send_from) MAILSLOT_OK when it left by at least one
 * interface, else MAILSLOT_E_NETWORK. */
typedef struct ms_udp_resend {
    const void *packet;
    size_t len;
    uint32_t group;
    int rc;
} ms_udp_resend;

/* The bridge's re-send (PROTOCOL.md section 10.3): sends each of the n
 * datagrams to its group at port, out of each interface ifs[0..nif) in
 * turn (all n at once on one interface, ms_sock_send_many), from s, the
 * forwarder's socket bound to port, so that they leave with the network's
 * port as their source port: the marker. s must have multicast loop off
 * (ms_sock_multicast_out). *current_if is the interface s sends multicast
 * out of now (MS_UDP_NO_IF: not known), kept by the caller for the next
 * call. Each datagram's rc says whether it left (with nif 0: MAILSLOT_OK);
 * the detail is set when one did not. Not thread-safe for one s. */
#define MS_UDP_NO_IF UINT32_MAX
void ms_udp_send_from(ms_sock s, uint16_t port, const uint32_t *ifs, size_t nif,
                      uint32_t *current_if, ms_udp_resend *d, size_t n);

#endif
