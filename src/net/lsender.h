/* SPDX-License-Identifier: MIT */
/* lsender.h -- the network side of a writer in legacy mode: the NetBIOS
 * datagrams of Windows hosts (legacy.h, abi/PROTOCOL.md section 9) over the
 * sockets of os.h. sender.c decides what a name means; this file sends. */
#ifndef MS_NET_LSENDER_H
#define MS_NET_LSENDER_H

#include "net/legacy.h"

#include <stddef.h>

typedef struct ms_net_config ms_net_config;
typedef struct ms_lsender ms_lsender;

/* Makes the NetBIOS name of a domain or host of a slot name for legacy
 * mode (suffix <00>). MAILSLOT_OK, or MAILSLOT_E_NAME naming `what` ("the
 * domain", "the host") and text when it is not a NetBIOS name (over 15
 * characters, a dot, a character NetBIOS names cannot hold). */
int ms_lsender_name(const char *text, const char *what, ms_legacy_name *out);

/* A sender of direct group datagrams (0x11) to group (DOMAIN<00>), one to
 * each broadcast address of cfg's interfaces (every interface that
 * broadcasts, when cfg names none), UDP port 138, for the slot path.
 * MAILSLOT_OK, MAILSLOT_E_INVALID (this host has no NetBIOS name: see
 * MAILSLOT_NETBIOS_NAME), MAILSLOT_E_NETWORK, MAILSLOT_E_NOMEM,
 * MAILSLOT_E_SYSTEM. */
int ms_lsender_open_group(const ms_net_config *cfg, const ms_legacy_name *group, const char *path,
                          ms_lsender **out);

/* A sender of direct unique datagrams (0x10) to host (name: HOST<00>) at its
 * IPv4 address: the resolver's, else the answer to a NetBIOS name query
 * broadcast on UDP port 137 (MS_LSENDER_QUERY_TRIES times, each waiting
 * MS_LSENDER_QUERY_WAIT_MS). MAILSLOT_E_NOT_FOUND when neither knows the
 * name (the detail names it); other results as ms_lsender_open_group. */
int ms_lsender_open_host(const ms_net_config *cfg, const char *host, const ms_legacy_name *name,
                         const char *path, ms_lsender **out);

/* How long a name query waits for an answer, and how often it is sent, as
 * Windows does (three broadcasts 1.5 s apart): at most 4.5 s at open. */
#define MS_LSENDER_QUERY_WAIT_MS 1500
#define MS_LSENDER_QUERY_TRIES 3

/* Sends a write of len (at most ms_legacy_max_data of the path) bytes. MAILSLOT_OK
 * when one datagram went out, or there is nowhere to send (no interface
 * broadcasts); MAILSLOT_E_NETWORK when every send failed. Thread-safe. */
int ms_lsender_send(ms_lsender *s, const void *data, size_t len);

void ms_lsender_close(ms_lsender *s);

#endif
