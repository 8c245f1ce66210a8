/* SPDX-License-Identifier: MIT */
/* dedup.c -- a sliding window of 64 sequence numbers per sender, in a small
 * table of senders with least-recently-heard eviction. */
#include "net/dedup.h"
#include "alloc.h"
#include "mailslot.h"

#include <stdlib.h>
#include <string.h>

int ms_dedup_init(ms_dedup *d, uint32_t cap)
{
    memset(d, 0, sizeof *d);
    d->senders = ms_calloc(cap, sizeof *d->senders);
    if (!d->senders)
        return MAILSLOT_E_NOMEM;
    d->cap = cap;
    return MAILSLOT_OK;
}

void ms_dedup_destroy(ms_dedup *d)
{
    ms_free(d->senders);
    memset(d, 0, sizeof *d);
}

/* The sender's entry; a new one takes the first free entry, else replaces
 * the least recently heard. The first free one, not the last: a lookup
 * scans from the start, and each packet of a lone sender placed at the
 * end of the table took a scan of all of it (1,024 entries in a reader). */
static ms_dedup_sender *find(ms_dedup *d, uint64_t id, int *fresh)
{
    ms_dedup_sender *victim = NULL;
    for (uint32_t i = 0; i < d->cap; i++) {
        ms_dedup_sender *s = &d->senders[i];
        if (s->used && s->id == id) {
            *fresh = 0;
            return s;
        }
        if (!victim || (victim->used && (!s->used || s->last_use < victim->last_use)))
            victim = s;
    }
    *fresh = 1;
    return victim;
}

int ms_dedup_accept(ms_dedup *d, uint64_t sender, uint32_t seq)
{
    int fresh;
    ms_dedup_sender *s = find(d, sender, &fresh);
    s->last_use = ++d->clock;
    if (fresh) {
        *s = (ms_dedup_sender){
            .id = sender, .newest = seq, .seen = 1, .last_use = d->clock, .used = 1};
        return 1;
    }
    int32_t ahead = (int32_t)(seq - s->newest);
    if (ahead > 0) {
        s->seen = ahead >= MS_DEDUP_WINDOW ? 1 : (s->seen << ahead) | 1;
        s->newest = seq;
        return 1;
    }
    uint32_t behind = s->newest - seq; /* unsigned: no overflow at 2^31 */
    if (behind >= MS_DEDUP_WINDOW || (s->seen >> behind) & 1)
        return 0;
    s->seen |= (uint64_t)1 << behind;
    return 1;
}
