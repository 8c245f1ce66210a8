/* SPDX-License-Identifier: MIT */
/* forward.h -- what the host forwarder does with a datagram, written once for
 * every platform: the platform's forwarder owns the sockets and delivers. */
#ifndef MS_FORWARD_H
#define MS_FORWARD_H

#include "net/netconfig.h"
#include "net/netrecv.h"
#include "net/wire.h"

#include <stddef.h>
#include <stdint.h>

/* What the forwarder of this process did since it started. */
typedef struct ms_fwd_counters {
    uint64_t datagrams;       /* received on the port */
    uint64_t forwarded;       /* handed to a local reader */
    uint64_t malformed;       /* broke a rule of PROTOCOL.md section 4 */
    uint64_t unknown_version; /* a version this build does not know */
    uint64_t not_for_us;      /* for a domain or host that is not this one */
    uint64_t no_reader;       /* no local reader owns the path */
    uint64_t duplicate;       /* a copy of a message forwarded already: dropped where the
                                 forwarder de-duplicates (Windows; on Linux each reader does) */
    uint64_t failed;          /* the reader was not taking messages, or refused us */
    /* Where the forwarder checks keys for its readers (Windows: native
     * mailslots receive payloads only); 0 on Linux, whose readers check. */
    uint64_t no_key;           /* the reader has keys and this forwarder none: passed nothing */
    uint64_t auth_verified;    /* passed with a valid tag */
    uint64_t auth_unverified;  /* passed without one (the forwarder's migration setting) */
    uint64_t auth_none;        /* dropped: not authenticated */
    uint64_t auth_unknown_key; /* dropped: no key of the forwarder's has its key id */
    uint64_t auth_bad_tag;     /* dropped: forged or changed */
    uint64_t auth_replay;      /* dropped: behind the sender's replay window */
    uint64_t auth_stale;       /* dropped: timestamp too old */
    uint64_t auth_future;      /* dropped: timestamp too far ahead */
    uint64_t auth_table_full;  /* dropped: the replay table had no room for a new sender */
} ms_fwd_counters;

typedef enum ms_fwd_state {
    MS_FWD_OFF,     /* no network reader in this process */
    MS_FWD_ACTIVE,  /* this process owns the port and forwards */
    MS_FWD_WAITING, /* another process forwards; this one takes over when it ends */
    MS_FWD_BLOCKED  /* a program that is not a forwarder holds the port; retrying */
} ms_fwd_state;

/* Told of each change of the process's forwarder state, from any thread,
 * holding no lock of the forwarder's (fwdstate.h): it may read the counters,
 * but must not start, stop or observe the forwarder. */
typedef void (*ms_fwd_listener)(ms_fwd_state state, void *ctx);

/* Decodes a datagram and decides whether this host takes it: returns 1 with
 * *p filled when it goes to the local reader of p->path, 0 when it is dropped
 * (and counted in *c). sealed_ok: version 2 packets (encrypted, PROTOCOL.md
 * section 8) pass too, for a forwarder whose readers open packets
 * themselves (Linux) or that opens them itself (Windows, with
 * ms_netrecv_accept after this check). Pure apart
 * from asking the platform for this host's names. */
int ms_forward_check(const ms_net_config *cfg, int sealed_ok, const unsigned char *buf, size_t len,
                     ms_packet *p, ms_fwd_counters *c);

/* Adds the decisions of a forwarder's ms_netrecv (a forwarder that
 * de-duplicates and authenticates for its readers) to *c: drops of the
 * format as the forwarder's own, a table without memory as failed. */
void ms_fwd_count_netrecv(ms_fwd_counters *c, const ms_net_counters *n);

/* Adds every counter of add to sum. */
void ms_fwd_counters_add(ms_fwd_counters *sum, const ms_fwd_counters *add);

/* The text of a state, for logs: "forwarding", "waiting", ... */
const char *ms_fwd_state_text(ms_fwd_state s);

/* Sets (or with NULL clears) the one listener of state changes of this
 * process's forwarder, and tells it the current state at once. */
void ms_forwarder_observe(ms_fwd_listener fn, void *ctx);

/* A snapshot of what this process's forwarder did. */
void ms_forwarder_counters(ms_fwd_counters *out);

#endif
