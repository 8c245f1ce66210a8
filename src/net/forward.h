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

/* What the forwarder of this process did since it started:
 * X(field, label, line), one per counter, in the order `mailslot forward`
 * prints them with their labels, on its line 0 ("forwarder: ..."), 1
 * ("forwarder keys: ...") or 2 ("forwarder legacy: ...": the datagrams of
 * Windows hosts, legacyrecv.h; those it delivers count on line 0 as
 * forwarded, no reader or failed). They are not ABI (no public call reads them; the
 * readers' counters, MAILSLOT_STAT_*, are), so they are listed here once, for
 * the struct, ms_fwd_counters_add and the CLI. The key counters count where
 * the forwarder checks keys for its readers (Windows: native mailslots
 * receive payloads only); 0 on Linux, whose readers check. */
#define MS_FWD_COUNTER_LIST(X)                                                                     \
    X(datagrams, "datagrams", 0)             /* received on the port */                            \
    X(forwarded, "forwarded", 0)             /* handed to a local reader */                        \
    X(malformed, "malformed", 0)             /* broke a rule of PROTOCOL.md section 4 */           \
    X(unknown_version, "unknown version", 0) /* a version this build does not know */              \
    X(not_for_us, "not for this host", 0)    /* for a domain or host that is not this one */       \
    X(no_reader, "no reader", 0)             /* no local reader owns the path */                   \
    X(duplicate, "duplicate", 0)             /* a copy of a message forwarded already: dropped     \
                                                where the forwarder de-duplicates (Windows; on     \
                                                Linux each reader does) */                         \
    X(failed, "failed", 0)                   /* the reader was not taking messages, or refused     \
                                                us */                                              \
    X(no_key, "no key", 1)                   /* the reader has keys and this forwarder none:       \
                                                passed nothing */                                  \
    X(auth_verified, "verified", 1)          /* passed with a valid tag */                         \
    X(auth_unverified, "unverified", 1)      /* passed without one (migration) */                  \
    X(auth_none, "not authenticated", 1)     /* dropped: not authenticated */                      \
    X(auth_unknown_key, "unknown key", 1)    /* dropped: no key of ours has its key id */          \
    X(auth_bad_tag, "bad tag", 1)            /* dropped: forged or changed */                      \
    X(auth_replay, "replay", 1)              /* dropped: behind the sender's replay window */      \
    X(auth_stale, "stale", 1)                /* dropped: timestamp too old */                      \
    X(auth_future, "future", 1)              /* dropped: timestamp too far ahead */                \
    X(auth_table_full, "table full", 1)      /* dropped: the replay table had no room for a        \
                                                new sender */                                      \
    X(legacy_datagrams, "datagrams", 2)      /* received on UDP port 138 (legacy mode) */          \
    X(legacy_malformed, "malformed", 2)      /* not a whole mailslot write (PROTOCOL.md 9.3), or   \
                                                no slot name */                                    \
    X(legacy_misaddressed, "not for this host", 2) /* for a NetBIOS name not this host's nor a     \
                                                      domain's */                                  \
    X(legacy_own, "from this host", 2)  /* sent by this host: its readers have it already */       \
    X(legacy_duplicate, "duplicate", 2) /* a copy of a datagram delivered just now (another        \
                                           interface) */

typedef struct ms_fwd_counters {
#define MS_FWD_FIELD(field, label, line) uint64_t field;
    MS_FWD_COUNTER_LIST(MS_FWD_FIELD)
#undef MS_FWD_FIELD
} ms_fwd_counters;

typedef enum ms_fwd_state {
    MS_FWD_OFF,     /* no network reader in this process */
    MS_FWD_ACTIVE,  /* this process owns the port and forwards */
    MS_FWD_WAITING, /* another process forwards; this one takes over when it ends */
    MS_FWD_BLOCKED  /* a program that is not a forwarder holds the port; retrying */
} ms_fwd_state;

/* Whether the forwarder receives the datagrams of Windows hosts on UDP port
 * 138 (legacy mode, legacyrecv.h): told with the state, as a line of text
 * (ms_fwd_legacy_text). */
typedef enum ms_fwd_legacy {
    MS_FWD_LEGACY_OFF,    /* legacy mode off, or this process does not forward */
    MS_FWD_LEGACY_ON,     /* receives on the port, alone */
    MS_FWD_LEGACY_SHARED, /* another program holds the port too (Samba's nmbd): the
                             kernel gives each unicast datagram to one socket only, not
                             ours, so this receives broadcasts only */
    MS_FWD_LEGACY_DENIED, /* may not bind the port: needs root or CAP_NET_BIND_SERVICE */
    MS_FWD_LEGACY_HELD,   /* another program holds the port and shares it with nobody */
    MS_FWD_LEGACY_FAILED, /* the socket failed otherwise */
    MS_FWD_LEGACY_SYSTEM  /* Windows: the system itself receives on the port */
} ms_fwd_legacy;

/* The line that tells legacy state s, for logs and `mailslot forward`:
 * "legacy: ...". */
const char *ms_fwd_legacy_text(ms_fwd_legacy s);

/* Told of each change of the process's forwarder state (or of its legacy
 * state), from any thread, holding no lock of the forwarder's (fwdstate.h):
 * it may read the counters and the legacy state, but must not start, stop
 * or observe the forwarder. Without a listener, a legacy state that keeps
 * datagrams out (or Windows's) is logged instead (ms_log). */
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
 * format as the forwarder's own, a table without memory as failed
 * (forward.c says where each of the readers' counters goes). */
void ms_fwd_count_netrecv(ms_fwd_counters *c, const ms_net_counters *n);

/* Adds every counter of add to sum. */
void ms_fwd_counters_add(ms_fwd_counters *sum, const ms_fwd_counters *add);

/* The text of a state, for logs: "forwarding", "waiting", ... */
const char *ms_fwd_state_text(ms_fwd_state s);

/* Sets (or with NULL clears) the one listener of state changes of this
 * process's forwarder, and tells it the current state at once. */
void ms_forwarder_observe(ms_fwd_listener fn, void *ctx);

/* The forwarder's legacy state now (a listener reads it when told). */
ms_fwd_legacy ms_forwarder_legacy(void);

/* A snapshot of what this process's forwarder did. */
void ms_forwarder_counters(ms_fwd_counters *out);

#endif
