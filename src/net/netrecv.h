/* SPDX-License-Identifier: MIT */
/* netrecv.h -- what a reader does with a network packet before queueing it,
 * written once for every platform: decode, check the slot, then either
 * authenticate (a reader with keys: PROTOCOL.md section 8.4, the replay
 * window standing in for de-duplication) or de-duplicate (a reader
 * without). Drops are counted, and with keys logged at a limited rate
 * (ms_log: queued, told by ms_log_flush once the owner has unlocked). The
 * owner locks; the caller passes the time, so tests can choose it. */
#ifndef MS_NETRECV_H
#define MS_NETRECV_H

#include "auth/authconfig.h"
#include "auth/replay.h"
#include "mailslot.h"
#include "ms_constants.h"
#include "net/dedup.h"
#include "net/droplog.h"
#include "net/legacy.h"
#include "net/wire.h"

#include <stddef.h>
#include <stdint.h>

/* What a reader did with network packets: counter key (MAILSLOT_STAT_*) is
 * MS_NET(c, key). MS_STAT_FIRST is MAILSLOT_STAT_NET_RECEIVED, and the
 * counters follow it in key order (abi/constants.txt; ms_constants.h is
 * generated from it). */
#define MS_NET_COUNTERS MS_STAT_COUNT
typedef struct ms_net_counters {
    uint64_t n[MS_NET_COUNTERS];
} ms_net_counters;
#define MS_NET(c, key) ((c)->n[(key)-MS_STAT_FIRST])

/* The value of counter key (MAILSLOT_STAT_*) in c: MAILSLOT_OK, or
 * MAILSLOT_E_INVALID for a key that is not a counter (no detail). */
int ms_net_counters_get(const ms_net_counters *c, int key, int64_t *value);

/* Sets counter key of c; as ms_net_counters_get. */
int ms_net_counters_set(ms_net_counters *c, int key, uint64_t value);

/* Adds n to counter key of c; as ms_net_counters_get. */
int ms_net_counters_add(ms_net_counters *c, int key, uint64_t n);

/* The name of counter key ("net_received", "auth_none", ...: its constant's
 * name after MAILSLOT_STAT_, in lower case), or NULL for a key that is not a
 * counter. */
const char *ms_net_counter_name(int key);

typedef struct ms_netrecv {
    ms_auth_config *auth;   /* NULL or without keys: no authentication; its key file is
                               followed (ms_auth_config_refresh) under the owner's lock */
    const char *slot;       /* the reader's canonical name, for log lines */
    uint32_t dedup_senders; /* the table's size: ms_netrecv_init's default, or set
                               after it (a forwarder that de-duplicates for a host) */
    ms_dedup dedup;         /* set up with the first packet that needs it */
    int dedup_ready;
    ms_replay replay;
    int replay_ready;
    ms_droplog log;
} ms_netrecv;

/* auth and slot must outlive r. */
void ms_netrecv_init(ms_netrecv *r, ms_auth_config *auth, const char *slot);
void ms_netrecv_destroy(ms_netrecv *r);

/* Decides on a datagram for the reader of path (canonical, as in ms_name) at
 * time now (ms since the epoch). Returns 1 with *p filled (for suite 2 its
 * payload points into plain, MS_WIRE_MAX_PAYLOAD bytes) when the message may
 * go to the queue; 0 when it was dropped, counted in *c (and, with keys,
 * logged). The caller still applies its size and queue limits. */
int ms_netrecv_accept(ms_netrecv *r, const char *path, const unsigned char *buf, size_t len,
                      uint64_t now, ms_packet *p, unsigned char *plain, ms_net_counters *c);

/* Decides on a datagram of a Windows host (legacy.h) that the host
 * forwarder received on UDP port 138 and passed to the reader of path
 * (legacyrecv.h: addressed to this host, not its own, not a copy). Returns
 * 1 with *data and *data_len (pointing into buf) when the message may go to
 * the queue; 0 when it was dropped, counted in *c: a reader with keys takes
 * none, whatever its migration setting (the format cannot be authenticated:
 * MAILSLOT_STAT_AUTH_NONE, logged as its other drops are). The caller still
 * applies its size and queue limits. */
int ms_netrecv_accept_legacy(ms_netrecv *r, const char *path, const unsigned char *buf, size_t len,
                             uint64_t now, const unsigned char **data, size_t *data_len,
                             ms_net_counters *c);

#endif
