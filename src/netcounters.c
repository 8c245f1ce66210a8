/* netcounters.c -- a reader's network counters by MAILSLOT_STAT_* key (see
 * netrecv.h). Kept apart from the receive path so that the tool and the
 * local protocol can name counters without it. */
#include "mailslot.h"
#include "netrecv.h"

int ms_net_counters_get(const ms_net_counters *c, int key, int64_t *value)
{
    uint64_t v;
    switch (key) {
    case MAILSLOT_STAT_NET_RECEIVED:
        v = c->received;
        break;
    case MAILSLOT_STAT_NET_MALFORMED:
        v = c->malformed;
        break;
    case MAILSLOT_STAT_NET_UNKNOWN_VERSION:
        v = c->unknown_version;
        break;
    case MAILSLOT_STAT_NET_MISADDRESSED:
        v = c->misaddressed;
        break;
    case MAILSLOT_STAT_NET_DUPLICATE:
        v = c->duplicate;
        break;
    case MAILSLOT_STAT_NET_OVER_LIMIT:
        v = c->over_limit;
        break;
    case MAILSLOT_STAT_AUTH_NONE:
        v = c->auth_none;
        break;
    case MAILSLOT_STAT_AUTH_UNKNOWN_KEY:
        v = c->auth_unknown_key;
        break;
    case MAILSLOT_STAT_AUTH_BAD_TAG:
        v = c->auth_bad_tag;
        break;
    case MAILSLOT_STAT_AUTH_REPLAY:
        v = c->auth_replay;
        break;
    case MAILSLOT_STAT_AUTH_STALE:
        v = c->auth_stale;
        break;
    case MAILSLOT_STAT_AUTH_FUTURE:
        v = c->auth_future;
        break;
    case MAILSLOT_STAT_AUTH_TABLE_FULL:
        v = c->auth_table_full;
        break;
    case MAILSLOT_STAT_AUTH_VERIFIED:
        v = c->auth_verified;
        break;
    case MAILSLOT_STAT_AUTH_UNVERIFIED:
        v = c->auth_unverified;
        break;
    default:
        return MAILSLOT_E_INVALID;
    }
    /* A counter that passed INT64_MAX (never, in practice) stays there. */
    *value = v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
    return MAILSLOT_OK;
}
