/* SPDX-License-Identifier: MIT */
/* dedup.h -- remembers which (sender id, sequence) pairs a reader has
 * delivered, so that a network message that arrives twice (several
 * interfaces or paths) is delivered once. Pure; the owner locks. */
#ifndef MS_DEDUP_H
#define MS_DEDUP_H

#include <stdint.h>

#define MS_DEDUP_WINDOW 64 /* sequences remembered behind the newest one */

typedef struct ms_dedup_sender {
    uint64_t id;
    uint32_t newest;   /* highest sequence seen */
    uint64_t seen;     /* bit i: newest - i was seen */
    uint64_t last_use; /* for evicting the least recently heard sender */
    int used;
} ms_dedup_sender;

typedef struct ms_dedup {
    ms_dedup_sender *senders;
    uint32_t cap;
    uint64_t clock;
} ms_dedup;

/* cap: how many senders are remembered; the least recently heard one is
 * forgotten when a new one arrives. MAILSLOT_OK or MAILSLOT_E_NOMEM. */
int ms_dedup_init(ms_dedup *d, uint32_t cap);
void ms_dedup_destroy(ms_dedup *d);

/* 1 when (sender, seq) is new, and records it; 0 when it was seen already,
 * or is more than MS_DEDUP_WINDOW behind the newest sequence of that sender
 * (too old to tell). Sequences wrap: they compare as serial numbers. */
int ms_dedup_accept(ms_dedup *d, uint64_t sender, uint32_t seq);

#endif
