/* SPDX-License-Identifier: MIT */
/* netcounters.c -- the reader's counters by MAILSLOT_STAT_* key: one table
 * for mailslot_reader_get_int and for the snapshot `mailslot stats` asks for. */
#include "mailslot.h"
#include "net/netrecv.h"

#include <stddef.h>

/* Each counter's name (that of its MAILSLOT_STAT_* constant, as `mailslot
 * stats` and the drop log say it), in key order: ms_constants.h. */
static const char *const names[] = {MS_STAT_NAMES};
_Static_assert(sizeof names / sizeof names[0] == MS_NET_COUNTERS, "every counter");

/* The index of counter key in ms_net_counters, or -1. */
static long index_of(int key)
{
    return key >= MS_STAT_FIRST && key < MS_STAT_FIRST + MS_NET_COUNTERS ? key - MS_STAT_FIRST : -1;
}

const char *ms_net_counter_name(int key)
{
    long i = index_of(key);
    return i < 0 ? NULL : names[i];
}

int ms_net_counters_get(const ms_net_counters *c, int key, int64_t *value)
{
    long i = index_of(key);
    if (i < 0)
        return MAILSLOT_E_INVALID;
    *value = (int64_t)c->n[i];
    return MAILSLOT_OK;
}

int ms_net_counters_set(ms_net_counters *c, int key, uint64_t value)
{
    long i = index_of(key);
    if (i < 0)
        return MAILSLOT_E_INVALID;
    c->n[i] = value;
    return MAILSLOT_OK;
}

int ms_net_counters_add(ms_net_counters *c, int key, uint64_t n)
{
    long i = index_of(key);
    if (i < 0)
        return MAILSLOT_E_INVALID;
    c->n[i] += n;
    return MAILSLOT_OK;
}
