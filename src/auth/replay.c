/* SPDX-License-Identifier: MIT */
/* replay.c -- see replay.h. Senders live in a fixed array of cap entries,
 * found through hash buckets chained in the entries, so that a lookup costs
 * the same with one sender or thousands (a packet's check comes before its
 * tag: a forgery must stay cheap too). Only a new sender arriving while
 * every entry is taken scans the table for an expired one. */
#include "auth/replay.h"
#include "mailslot.h"

#include "alloc.h"
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

int ms_replay_init(ms_replay *r, uint32_t window, uint32_t cap, uint64_t time_ms)
{
    memset(r, 0, sizeof *r);
    if (window < 64 || window > MS_REPLAY_WINDOW_MAX || window % 64 || cap == 0 ||
        cap > (1u << 24) || time_ms == 0)
        return MAILSLOT_E_INVALID;
    uint32_t buckets = 1;
    while (buckets < cap)
        buckets <<= 1;
    r->senders = ms_calloc(cap, sizeof *r->senders);
    r->bits = ms_calloc((size_t)cap * (window / 64), sizeof *r->bits);
    r->bucket = ms_malloc((size_t)buckets * sizeof *r->bucket);
    if (!r->senders || !r->bits || !r->bucket) {
        ms_replay_destroy(r);
        return MAILSLOT_E_NOMEM;
    }
    for (uint32_t i = 0; i < buckets; i++)
        r->bucket[i] = NIL;
    for (uint32_t i = 0; i < cap; i++)
        r->senders[i].next = i + 1 < cap ? i + 1 : NIL;
    r->free = 0;
    r->mask = buckets - 1;
    /* Not a secret against a key holder; enough that ids chosen without
     * knowing it do not pile into one bucket. */
    r->seed = (uint64_t)(uintptr_t)r->senders * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)r;
    r->words = window / 64;
    r->cap = cap;
    r->time_ms = time_ms;
    return MAILSLOT_OK;
}

void ms_replay_destroy(ms_replay *r)
{
    ms_free(r->senders);
    ms_free(r->bits);
    ms_free(r->bucket);
    memset(r, 0, sizeof *r);
}

static int expired(const ms_replay *r, const ms_replay_sender *s, uint64_t now)
{
    return now > s->newest_ts && now - s->newest_ts > r->time_ms;
}

static ms_replay_result time_check(const ms_replay *r, uint64_t ts, uint64_t now)
{
    if (ts < now && now - ts > r->time_ms)
        return MS_REPLAY_STALE;
    if (ts > now && ts - now > r->time_ms)
        return MS_REPLAY_FUTURE;
    return MS_REPLAY_OK;
}

/* splitmix64's finaliser over the id and the table's seed. */
static uint32_t bucket_of(const ms_replay *r, uint64_t id)
{
    uint64_t z = id ^ r->seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)(z ^ (z >> 31)) & r->mask;
}

/* The live entry of a sender, or -1. An expired entry counts as absent:
 * every packet that passes the time check is newer than all it recorded. */
static long find(const ms_replay *r, uint64_t id, uint64_t now)
{
    for (uint32_t i = r->bucket[bucket_of(r, id)]; i != NIL; i = r->senders[i].next) {
        const ms_replay_sender *s = &r->senders[i];
        if (s->id == id && !expired(r, s, now))
            return (long)i;
    }
    return -1;
}

/* Takes entry i out of its bucket's chain. */
static void unlink_entry(ms_replay *r, uint32_t i)
{
    uint32_t *at = &r->bucket[bucket_of(r, r->senders[i].id)];
    while (*at != i)
        at = &r->senders[*at].next;
    *at = r->senders[i].next;
}

/* An entry for a new sender: a free one, else an expired one (unlinked);
 * NIL when every entry holds a live sender. */
static uint32_t take_entry(ms_replay *r, uint64_t now)
{
    uint32_t i = r->free;
    if (i != NIL) {
        r->free = r->senders[i].next;
        r->live++;
        return i;
    }
    for (i = 0; i < r->cap; i++)
        if (expired(r, &r->senders[i], now)) {
            unlink_entry(r, i);
            return i;
        }
    return NIL;
}

static int bit(const uint64_t *w, uint32_t i)
{
    return (int)(w[i / 64] >> (i % 64) & 1);
}

static ms_replay_result seq_check(const ms_replay *r, long at, uint32_t seq)
{
    if (at < 0)
        return MS_REPLAY_OK;
    const ms_replay_sender *s = &r->senders[at];
    if ((int32_t)(seq - s->newest) > 0)
        return MS_REPLAY_OK;
    uint32_t behind = s->newest - seq; /* unsigned: no overflow at 2^31 */
    if (behind >= r->words * 64u)
        return MS_REPLAY_TOO_OLD;
    return bit(r->bits + (size_t)at * r->words, behind) ? MS_REPLAY_DUPLICATE : MS_REPLAY_OK;
}

ms_replay_result ms_replay_check(const ms_replay *r, uint64_t sender, uint32_t seq, uint64_t ts,
                                 uint64_t now)
{
    ms_replay_result res = time_check(r, ts, now);
    if (res != MS_REPLAY_OK)
        return res;
    return seq_check(r, find(r, sender, now), seq);
}

/* Shifts the window up by n (n >= 1): bit i moves to bit i + n. */
static void shift(uint64_t *w, uint32_t words, uint32_t n)
{
    if (n >= words * 64u) {
        memset(w, 0, words * sizeof *w);
        return;
    }
    uint32_t q = n / 64, b = n % 64;
    for (uint32_t i = words; i-- > 0;) {
        uint64_t v = i >= q ? w[i - q] << b : 0;
        if (b && i >= q + 1)
            v |= w[i - q - 1] >> (64 - b);
        w[i] = v;
    }
}

ms_replay_result ms_replay_commit(ms_replay *r, uint64_t sender, uint32_t seq, uint64_t ts,
                                  uint64_t now)
{
    ms_replay_result res = time_check(r, ts, now);
    if (res != MS_REPLAY_OK)
        return res;
    long at = find(r, sender, now);
    res = seq_check(r, at, seq);
    if (res != MS_REPLAY_OK)
        return res;
    if (at < 0) {
        uint32_t i = take_entry(r, now);
        if (i == NIL)
            return MS_REPLAY_FULL;
        at = (long)i;
        uint32_t b = bucket_of(r, sender);
        r->senders[at] = (ms_replay_sender){
            .id = sender, .newest_ts = ts, .newest = seq, .next = r->bucket[b], .used = 1};
        r->bucket[b] = i;
        uint64_t *w = r->bits + (size_t)at * r->words;
        memset(w, 0, r->words * sizeof *w);
        w[0] = 1;
        return MS_REPLAY_OK;
    }
    ms_replay_sender *s = &r->senders[at];
    uint64_t *w = r->bits + (size_t)at * r->words;
    int32_t ahead = (int32_t)(seq - s->newest);
    if (ahead > 0) {
        shift(w, r->words, (uint32_t)ahead);
        s->newest = seq;
        w[0] |= 1;
    } else {
        uint32_t behind = s->newest - seq;
        w[behind / 64] |= (uint64_t)1 << (behind % 64);
    }
    if (ts > s->newest_ts)
        s->newest_ts = ts;
    return MS_REPLAY_OK;
}

uint32_t ms_replay_expire(ms_replay *r, uint64_t now)
{
    for (uint32_t i = 0; i < r->cap; i++) {
        ms_replay_sender *s = &r->senders[i];
        if (s->used && expired(r, s, now)) {
            unlink_entry(r, i);
            s->used = 0;
            s->next = r->free;
            r->free = i;
            r->live--;
        }
    }
    return r->live;
}

const char *ms_replay_result_text(ms_replay_result res)
{
    switch (res) {
    case MS_REPLAY_OK:
        return "new";
    case MS_REPLAY_DUPLICATE:
        return "replayed (seen)";
    case MS_REPLAY_TOO_OLD:
        return "replayed (behind the window)";
    case MS_REPLAY_STALE:
        return "timestamp too old";
    case MS_REPLAY_FUTURE:
        return "timestamp in the future";
    case MS_REPLAY_FULL:
        return "sender table full";
    }
    return "unknown result";
}
