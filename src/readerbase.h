/* SPDX-License-Identifier: MIT */
/* readerbase.h -- what every backend's local reader (transport.h) holds and
 * does the same way: its lock, its state (closed, waiting reads,
 * interrupts) and its network counters, with the accessors that only take
 * the lock to read them. A backend's reader embeds an ms_reader_base and
 * takes base.mu as its own lock. */
#ifndef MS_READERBASE_H
#define MS_READERBASE_H

#include "net/netrecv.h"
#include "os.h"

#include <stdint.h>

typedef struct ms_reader_base {
    ms_lock mu;             /* the reader's lock: guards what follows and the backend's state */
    int closed;             /* shut down: reads fail with MAILSLOT_E_CLOSED */
    int waiters;            /* reads waiting now */
    uint64_t interrupt_gen; /* counts interrupts: a read that sees it change ends */
    ms_net_counters net;    /* the reader's MAILSLOT_STAT_NET_* and AUTH_* counters */
} ms_reader_base;

/* A base of a new reader: open, nothing counted. */
void ms_reader_base_init(ms_reader_base *b);

void ms_reader_base_destroy(ms_reader_base *b);

/* Reads waiting now (ms_local_reader_waiting). */
int ms_reader_base_waiting(ms_reader_base *b);

/* A copy of the counters (ms_local_reader_net_counters). */
void ms_reader_base_net_counters(ms_reader_base *b, ms_net_counters *out);

/* Marks the reader closed. Returns 1 with b->mu held when this call closed
 * it, for the backend to wake its reads and release the name; 0 without the
 * lock when it was closed already. */
int ms_reader_base_close(ms_reader_base *b);

/* Under b->mu, for a read of the reader called name that began at interrupt
 * generation gen: MAILSLOT_E_CLOSED or MAILSLOT_E_INTERRUPTED (the detail
 * set) when it must end so, else MAILSLOT_OK. */
int ms_reader_base_ended(const ms_reader_base *b, const char *name, uint64_t gen);

/* For a read with timeout_ms > 0 (else 0 or MAILSLOT_WAIT_FOREVER): the
 * deadline on ms_plat_monotonic_ms's clock, and the ms left before it (0
 * when none, or for timeout 0). */
int64_t ms_read_deadline(int32_t timeout_ms);
int64_t ms_read_left(int64_t deadline, int32_t timeout_ms);

/* The failures of a read: nothing within timeout_ms, and a buffer of cap
 * bytes too small for the next message of len bytes. */
int ms_read_timed_out(const char *name, int32_t timeout_ms);
int ms_read_too_small(const char *name, size_t len, size_t cap);

#endif
