/* netcounters.c -- the reader's counters by MAILSLOT_STAT_* key: one table
 * for mailslot_reader_get_int and for what `mailslot stats` prints. */
#include "mailslot.h"
#include "netrecv.h"

#include <stddef.h>

int ms_net_counters_get(const ms_net_counters *c, int key, int64_t *value)
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
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].key == key) {
            *value = (int64_t) * (const uint64_t *)((const char *)c + fields[i].offset);
            return MAILSLOT_OK;
        }
    return MAILSLOT_E_INVALID;
}
