/* SPDX-License-Identifier: MIT */
/* forward.c -- the host forwarder's decision (PROTOCOL.md section 4). */
#include "net/forward.h"
#include "os.h"

#include <string.h>

static int names_this_host(const ms_net_config *cfg, const ms_packet *p)
{
    char target[MS_HOST_MAX + 1];
    memcpy(target, p->target, p->target_len);
    target[p->target_len] = '\0';
    switch (p->target_kind) {
    case MS_WIRE_TO_ALL:
        return 1;
    case MS_WIRE_TO_DOMAIN:
        return ms_net_config_has_domain(cfg, target);
    default:
        return ms_name_is_this_host(target);
    }
}

int ms_forward_check(const ms_net_config *cfg, int sealed_ok, const unsigned char *buf, size_t len,
                     ms_packet *p, ms_fwd_counters *c)
{
    c->datagrams++;
    /* Version 2 (encrypted) passes only where the reader opens packets. */
    ms_wire_result wr = sealed_ok ? ms_wire_decode_any(buf, len, p) : ms_wire_decode(buf, len, p);
    if (wr == MS_WIRE_BAD_VERSION) {
        c->unknown_version++;
        return 0;
    }
    if (wr != MS_WIRE_OK) {
        c->malformed++;
        return 0;
    }
    if (!names_this_host(cfg, p)) {
        c->not_for_us++;
        return 0;
    }
    return 1;
}

void ms_fwd_count_netrecv(ms_fwd_counters *c, const ms_net_counters *n)
{
    c->malformed +=
        MS_NET(n, MAILSLOT_STAT_NET_MALFORMED) + MS_NET(n, MAILSLOT_STAT_NET_MISADDRESSED);
    c->unknown_version += MS_NET(n, MAILSLOT_STAT_NET_UNKNOWN_VERSION);
    c->duplicate += MS_NET(n, MAILSLOT_STAT_NET_DUPLICATE);
    c->failed += MS_NET(n, MAILSLOT_STAT_NET_OVER_LIMIT);
    c->auth_verified += MS_NET(n, MAILSLOT_STAT_AUTH_VERIFIED);
    c->auth_unverified += MS_NET(n, MAILSLOT_STAT_AUTH_UNVERIFIED);
    c->auth_none += MS_NET(n, MAILSLOT_STAT_AUTH_NONE);
    c->auth_unknown_key += MS_NET(n, MAILSLOT_STAT_AUTH_UNKNOWN_KEY);
    c->auth_bad_tag += MS_NET(n, MAILSLOT_STAT_AUTH_BAD_TAG);
    c->auth_replay += MS_NET(n, MAILSLOT_STAT_AUTH_REPLAY);
    c->auth_stale += MS_NET(n, MAILSLOT_STAT_AUTH_STALE);
    c->auth_future += MS_NET(n, MAILSLOT_STAT_AUTH_FUTURE);
    c->auth_table_full += MS_NET(n, MAILSLOT_STAT_AUTH_TABLE_FULL);
}

void ms_fwd_counters_add(ms_fwd_counters *sum, const ms_fwd_counters *add)
{
    sum->datagrams += add->datagrams;
    sum->forwarded += add->forwarded;
    sum->malformed += add->malformed;
    sum->unknown_version += add->unknown_version;
    sum->not_for_us += add->not_for_us;
    sum->no_reader += add->no_reader;
    sum->duplicate += add->duplicate;
    sum->failed += add->failed;
    sum->no_key += add->no_key;
    sum->auth_verified += add->auth_verified;
    sum->auth_unverified += add->auth_unverified;
    sum->auth_none += add->auth_none;
    sum->auth_unknown_key += add->auth_unknown_key;
    sum->auth_bad_tag += add->auth_bad_tag;
    sum->auth_replay += add->auth_replay;
    sum->auth_stale += add->auth_stale;
    sum->auth_future += add->auth_future;
    sum->auth_table_full += add->auth_table_full;
}

const char *ms_fwd_state_text(ms_fwd_state s)
{
    switch (s) {
    case MS_FWD_ACTIVE:
        return "forwarding";
    case MS_FWD_WAITING:
        return "waiting";
    case MS_FWD_BLOCKED:
        return "blocked";
    default:
        return "off";
    }
}
