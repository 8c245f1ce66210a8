/* SPDX-License-Identifier: MIT */
/* readerbase.c -- what every backend's local reader does the same way
 * (readerbase.h). */
#include "readerbase.h"

#include "error.h"

#include <string.h>

void ms_reader_base_init(ms_reader_base *b)
{
    memset(b, 0, sizeof *b);
    ms_lock_init(&b->mu);
}

void ms_reader_base_destroy(ms_reader_base *b)
{
    ms_lock_destroy(&b->mu);
}

int ms_reader_base_waiting(ms_reader_base *b)
{
    ms_lock_acquire(&b->mu);
    int n = b->waiters;
    ms_lock_release(&b->mu);
    return n;
}

void ms_reader_base_net_counters(ms_reader_base *b, ms_net_counters *out)
{
    ms_lock_acquire(&b->mu);
    *out = b->net;
    ms_lock_release(&b->mu);
}

int ms_reader_base_close(ms_reader_base *b)
{
    ms_lock_acquire(&b->mu);
    if (b->closed) {
        ms_lock_release(&b->mu);
        return 0;
    }
    b->closed = 1;
    return 1;
}

int ms_reader_base_ended(const ms_reader_base *b, const char *name, uint64_t gen)
{
    if (b->closed)
        return ms_fail(MAILSLOT_E_CLOSED, "%s was closed", name);
    if (gen != b->interrupt_gen)
        return ms_fail(MAILSLOT_E_INTERRUPTED, "a read of %s was interrupted", name);
    return MAILSLOT_OK;
}

int64_t ms_read_deadline(int32_t timeout_ms)
{
    return timeout_ms > 0 ? ms_plat_monotonic_ms() + timeout_ms : 0;
}

int64_t ms_read_left(int64_t deadline, int32_t timeout_ms)
{
    return timeout_ms > 0 ? deadline - ms_plat_monotonic_ms() : 0;
}

int ms_read_timed_out(const char *name, int32_t timeout_ms)
{
    return ms_fail(MAILSLOT_E_TIMEOUT, "no message arrived at %s within %d ms", name,
                   (int)timeout_ms);
}

int ms_read_too_small(const char *name, size_t len, size_t cap)
{
    return ms_fail(MAILSLOT_E_BUFFER, "the next message of %s has %zu bytes, the buffer %zu", name,
                   len, cap);
}
