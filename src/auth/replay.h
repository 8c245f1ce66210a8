/* SPDX-License-Identifier: MIT */
/* replay.h -- the replay window of authenticated network packets
 * (abi/PROTOCOL.md section 8.5): per sender id, the highest sequence and a
 * bitmap of the sequences just behind it, and a timestamp window around the
 * receiver's clock. Pure: the caller passes the time and locks.
 *
 * Check before the tag, commit after it: ms_replay_check changes nothing,
 * so a packet whose tag does not verify can neither move a window nor
 * create a sender; ms_replay_commit (only for a verified packet) checks
 * again and records. */
#ifndef MS_REPLAY_H
#define MS_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define MS_REPLAY_WINDOW_DEFAULT 64   /* sequences remembered per sender */
#define MS_REPLAY_WINDOW_MAX 1024     /* a multiple of 64 from 64 to this */
#define MS_REPLAY_TIME_DEFAULT 120000 /* ms either side of the receiver's clock */
#define MS_REPLAY_SENDERS_DEFAULT 4096

typedef enum ms_replay_result {
    MS_REPLAY_OK = 0,
    MS_REPLAY_DUPLICATE, /* this (sender, sequence) was accepted already */
    MS_REPLAY_TOO_OLD,   /* further behind the sender's newest than the window */
    MS_REPLAY_STALE,     /* timestamp more than the time window in the past */
    MS_REPLAY_FUTURE,    /* timestamp more than the time window ahead */
    MS_REPLAY_FULL       /* a new sender, and every entry of the table is live */
} ms_replay_result;

typedef struct ms_replay_sender {
    uint64_t id;
    uint64_t newest_ts; /* the highest timestamp accepted from it: expiry */
    uint32_t newest;    /* the highest sequence accepted */
    uint32_t next;      /* the next entry of its bucket, or of the free list */
    int used;
} ms_replay_sender;

typedef struct ms_replay {
    ms_replay_sender *senders;
    uint64_t *bits;   /* words per sender: bit i of the window is newest - i */
    uint32_t *bucket; /* first entry of each hash bucket (chains through next) */
    uint32_t mask;    /* buckets - 1 (a power of two, at least cap) */
    uint32_t free;    /* first entry never used or given back */
    uint64_t seed;    /* of the bucket hash: sender ids cannot be aimed at one */
    uint32_t words;   /* window / 64 */
    uint32_t cap;
    uint32_t live;    /* entries in use (expired ones included until reused) */
    uint64_t time_ms; /* the timestamp window */
} ms_replay;

/* window: 64..1024, a multiple of 64; cap: senders remembered (>= 1);
 * time_ms: how far a timestamp may be from the receiver's clock (>= 1).
 * MAILSLOT_OK, MAILSLOT_E_INVALID or MAILSLOT_E_NOMEM. */
int ms_replay_init(ms_replay *r, uint32_t window, uint32_t cap, uint64_t time_ms);
void ms_replay_destroy(ms_replay *r);

/* Would (sender, seq) with timestamp ts be accepted at time now (ms since
 * the epoch)? Changes nothing. */
ms_replay_result ms_replay_check(const ms_replay *r, uint64_t sender, uint32_t seq, uint64_t ts,
                                 uint64_t now);

/* The same check, then records the packet: only for one whose tag verified.
 * A new sender takes a free or expired entry; with none, MS_REPLAY_FULL and
 * nothing is recorded (the table never forgets a live sender early: that
 * would let its packets be replayed). */
ms_replay_result ms_replay_commit(ms_replay *r, uint64_t sender, uint32_t seq, uint64_t ts,
                                  uint64_t now);

/* Forgets the senders whose newest timestamp is older than the time window
 * (no packet of theirs can pass the timestamp check any more). Returns how
 * many entries are still in use. Commit reuses expired entries by itself;
 * this only returns memory-free slots early and lets the owner count them. */
uint32_t ms_replay_expire(ms_replay *r, uint64_t now);

const char *ms_replay_result_text(ms_replay_result res);

#endif
