/* SPDX-License-Identifier: MIT */
/* netcounters.c -- the reader's counters by MAILSLOT_STAT_* key: one table
 * for mailslot_reader_get_int and for the snapshot `mailslot stats` asks for. */
#include "mailslot.h"
#include "netrecv.h"

#include <stddef.h>
#include <string.h>

/* Where counter key lives in ms_net_counters, or -1. */
static long offset_of(int key)
{
    static const struct {
        int key;
        size_t offset;
    } fields[] = {
        {MAILSLOT_STAT_NET_RECEIVED, offsetof(ms_net_counters, received)},
        {MAILSLOT_STAT_NET_MALFORMED, offsetof(ms_net_counters, malformed)},
        {MAILSLOT_STAT_NET_UNKNOWN_VERSION, offsetof(ms_net_counters, unknown_version)},
        {MAILSLOT_STAT_NET_MISADDRESSED, offsetof(ms_net_counters, misaddressed)},
        {MAILSLOT_STAT_NET_DUPLICATE, offsetof(ms_net_counters, duplicate)},
        {MAILSLOT_STAT_NET_OVER_LIMIT, offsetof(ms_net_counters, over_limit)},
        {MAILSLOT_STAT_AUTH_NONE, offsetof(ms_net_counters, auth_none)},
        {MAILSLOT_STAT_AUTH_UNKNOWN_KEY, offsetof(ms_net_counters, auth_unknown_key)},
        {MAILSLOT_STAT_AUTH_BAD_TAG, offsetof(ms_net_counters, auth_bad_tag)},
        {MAILSLOT_STAT_AUTH_REPLAY, offsetof(ms_net_counters, auth_replay)},
        {MAILSLOT_STAT_AUTH_STALE, offsetof(ms_net_counters, auth_stale)},
        {MAILSLOT_STAT_AUTH_FUTURE, offsetof(ms_net_counters, auth_future)},
        {MAILSLOT_STAT_AUTH_TABLE_FULL, offsetof(ms_net_counters, auth_table_full)},
        {MAILSLOT_STAT_AUTH_VERIFIED, offsetof(ms_net_counters, auth_verified)},
        {MAILSLOT_STAT_AUTH_UNVERIFIED, offsetof(ms_net_counters, auth_unverified)},
    };
    _Static_assert(sizeof fields / sizeof fields[0] == MS_NET_COUNTERS, "every counter");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].key == key)
            return (long)fields[i].offset;
    return -1;
}

int ms_net_counters_get(const ms_net_counters *c, int key, int64_t *value)
{
    long at = offset_of(key);
    if (at < 0)
        return MAILSLOT_E_INVALID;
    uint64_t v;
    memcpy(&v, (const unsigned char *)c + at, sizeof v);
    *value = (int64_t)v;
    return MAILSLOT_OK;
}

int ms_net_counters_set(ms_net_counters *c, int key, uint64_t value)
{
    long at = offset_of(key);
    if (at < 0)
        return MAILSLOT_E_INVALID;
    memcpy((unsigned char *)c + at, &value, sizeof value);
    return MAILSLOT_OK;
}
