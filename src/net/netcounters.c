/* SPDX-License-Identifier: MIT */
/* netcounters.c -- the reader's counters by MAILSLOT_STAT_* key: one table
 * for mailslot_reader_get_int and for the snapshot `mailslot stats` asks for. */
#include "mailslot.h"
#include "net/netrecv.h"

#include <stddef.h>
#include <string.h>

/* Each counter: its key, its name (that of its MAILSLOT_STAT_* constant,
 * as `mailslot stats` and the drop log say it) and where it lives. */
static const struct {
    int key;
    const char *name;
    size_t offset;
} fields[] = {
#define MS_COUNTER(key, name, field)                                                               \
    {                                                                                              \
        key, name, offsetof(ms_net_counters, field)                                                \
    }
    MS_COUNTER(MAILSLOT_STAT_NET_RECEIVED, "net_received", received),
    MS_COUNTER(MAILSLOT_STAT_NET_MALFORMED, "net_malformed", malformed),
    MS_COUNTER(MAILSLOT_STAT_NET_UNKNOWN_VERSION, "net_unknown_version", unknown_version),
    MS_COUNTER(MAILSLOT_STAT_NET_MISADDRESSED, "net_misaddressed", misaddressed),
    MS_COUNTER(MAILSLOT_STAT_NET_DUPLICATE, "net_duplicate", duplicate),
    MS_COUNTER(MAILSLOT_STAT_NET_OVER_LIMIT, "net_over_limit", over_limit),
    MS_COUNTER(MAILSLOT_STAT_AUTH_NONE, "auth_none", auth_none),
    MS_COUNTER(MAILSLOT_STAT_AUTH_UNKNOWN_KEY, "auth_unknown_key", auth_unknown_key),
    MS_COUNTER(MAILSLOT_STAT_AUTH_BAD_TAG, "auth_bad_tag", auth_bad_tag),
    MS_COUNTER(MAILSLOT_STAT_AUTH_REPLAY, "auth_replay", auth_replay),
    MS_COUNTER(MAILSLOT_STAT_AUTH_STALE, "auth_stale", auth_stale),
    MS_COUNTER(MAILSLOT_STAT_AUTH_FUTURE, "auth_future", auth_future),
    MS_COUNTER(MAILSLOT_STAT_AUTH_TABLE_FULL, "auth_table_full", auth_table_full),
    MS_COUNTER(MAILSLOT_STAT_AUTH_VERIFIED, "auth_verified", auth_verified),
    MS_COUNTER(MAILSLOT_STAT_AUTH_UNVERIFIED, "auth_unverified", auth_unverified),
#undef MS_COUNTER
};
_Static_assert(sizeof fields / sizeof fields[0] == MS_NET_COUNTERS, "every counter");

/* The row of counter key, or -1. */
static long row_of(int key)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].key == key)
            return (long)i;
    return -1;
}

/* Where counter key lives in ms_net_counters, or -1. */
static long offset_of(int key)
{
    long row = row_of(key);
    return row < 0 ? -1 : (long)fields[row].offset;
}

const char *ms_net_counter_name(int key)
{
    long row = row_of(key);
    return row < 0 ? NULL : fields[row].name;
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

int ms_net_counters_add(ms_net_counters *c, int key, uint64_t n)
{
    long at = offset_of(key);
    if (at < 0)
        return MAILSLOT_E_INVALID;
    uint64_t v;
    memcpy(&v, (unsigned char *)c + at, sizeof v);
    v += n;
    memcpy((unsigned char *)c + at, &v, sizeof v);
    return MAILSLOT_OK;
}
