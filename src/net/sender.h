/* SPDX-License-Identifier: MIT */
/* sender.h -- the network side of a writer, written once for every platform:
 * what a name means on the network, and the packets a writer sends. */
#ifndef MS_SENDER_H
#define MS_SENDER_H

#include "name.h"
#include "auth/authconfig.h"
#include "net/netconfig.h"
#include "net/wire.h"

#include <stddef.h>

typedef struct ms_sender ms_sender;

/* Opens the network side of a writer for a name that is not "\\.\":
 *   "*"                      every host: this host's reader gets a copy;
 *   this host's name/address this host's reader only;
 *   one of cfg's domains     this host's reader, and the domain's group;
 *   an IP literal or a name with a dot
 *                            that host, by unicast (resolved now);
 *   any other single label   a host if it resolves, otherwise a domain.
 * With cfg->enabled = 0 only the first three are possible; others fail with
 * MAILSLOT_E_NETWORK. With cfg->legacy, other hosts get the NetBIOS
 * datagrams of Windows hosts instead of this library's packets (lsender.h):
 * "*" and domains by broadcast, a host by a unique datagram to the address
 * the resolver or a NetBIOS name query gives (a single label neither knows
 * is a domain); a slot name that is not ASCII, or a domain or host that is
 * not a NetBIOS name, is MAILSLOT_E_NAME. by_system (legacy mode where the
 * system has remote mailslots of its own, transport.h): the names are
 * checked and this host's copy decided as above, but the sender sends
 * nothing itself and resolves nothing: the system does. auth (NULL: none) must outlive the sender;
 * with keys, every packet is sealed (PROTOCOL.md section 8). Other results: MAILSLOT_E_NETWORK (a
 * host that does not resolve), MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM. */
int ms_sender_open(const ms_name *name, const ms_net_config *cfg, ms_auth_config *auth,
                   int by_system, ms_sender **out);

/* 1 when, in legacy mode, other hosts get this name's messages: the NetBIOS
 * datagrams this sender sends, or with by_system those the system sends. */
int ms_sender_legacy_out(const ms_sender *s);

/* 1 when this host's reader of the name gets a copy of each message. */
int ms_sender_local_copy(const ms_sender *s);

/* Encodes the next message as a packet in buf (MS_WIRE_MAX_PACKET bytes is
 * always enough), sealed when the sender has keys, and stores its length in
 * *len. Each call takes the next sequence number. MAILSLOT_OK,
 * MAILSLOT_E_ACCESS (keys, but none for this message now), MAILSLOT_E_SYSTEM
 * (does not fit). */
int ms_sender_encode(ms_sender *s, const void *data, size_t len, unsigned char *buf, size_t cap,
                     size_t *out);

/* The most bytes a message may carry: MAILSLOT_MAX_NETWORK_MESSAGE, or in
 * legacy mode what a NetBIOS datagram carries (at most 424 bytes). */
size_t ms_sender_max_message(const ms_sender *s);

/* Sends a message to the network, if this name reaches it: the packet
 * (ms_sender_encode) in this library's protocol, or in legacy mode the
 * message data in a NetBIOS datagram per destination. As ms_udp_send. */
int ms_sender_send(ms_sender *s, const unsigned char *packet, size_t len, const void *data,
                   size_t data_len);

void ms_sender_close(ms_sender *s);

#endif
