/* SPDX-License-Identifier: MIT */
/* forward.c -- the host forwarder's decision (PROTOCOL.md section 4). */
#include "net/forward.h"
#include "os.h"

#include <stddef.h>
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

/* Where a forwarder that runs ms_netrecv for its readers counts each of the
 * readers' counters (MAILSLOT_STAT_NAME): FWD_NAME is the ms_fwd_counters
 * field it adds to, or NOT_COUNTED. Every counter of abi/constants.txt
 * (MS_STAT_LIST) needs its line: without one this file does not compile
 * ("FWD_NAME undeclared"), so a new counter cannot be forgotten here. */
#define COUNTED_IN(field) (offsetof(ms_fwd_counters, field) + 1)
#define NOT_COUNTED 0
#define FWD_NET_RECEIVED NOT_COUNTED /* the forwarder counts what it hands over (forwarded) */
#define FWD_NET_MALFORMED COUNTED_IN(malformed)
#define FWD_NET_UNKNOWN_VERSION COUNTED_IN(unknown_version)
#define FWD_NET_MISADDRESSED COUNTED_IN(malformed)
#define FWD_NET_DUPLICATE COUNTED_IN(duplicate)
#define FWD_NET_OVER_LIMIT COUNTED_IN(failed)
#define FWD_AUTH_NONE COUNTED_IN(auth_none)
#define FWD_AUTH_UNKNOWN_KEY COUNTED_IN(auth_unknown_key)
#define FWD_AUTH_BAD_TAG COUNTED_IN(auth_bad_tag)
#define FWD_AUTH_REPLAY COUNTED_IN(auth_replay)
#define FWD_AUTH_STALE COUNTED_IN(auth_stale)
#define FWD_AUTH_FUTURE COUNTED_IN(auth_future)
#define FWD_AUTH_TABLE_FULL COUNTED_IN(auth_table_full)
#define FWD_AUTH_VERIFIED COUNTED_IN(auth_verified)
#define FWD_AUTH_UNVERIFIED COUNTED_IN(auth_unverified)
#define FWD_LOCAL_CORRUPT_RING NOT_COUNTED /* a reader's local writers: none pass a forwarder */
#define FWD_LEGACY_RECEIVED NOT_COUNTED    /* the forwarder counts legacy datagrams itself */

void ms_fwd_count_netrecv(ms_fwd_counters *c, const ms_net_counters *n)
{
#define FWD_OF(name) FWD_##name,
    static const size_t where[MS_STAT_COUNT] = {MS_STAT_LIST(FWD_OF)};
#undef FWD_OF
    for (size_t i = 0; i < MS_STAT_COUNT; i++) {
        if (where[i] != NOT_COUNTED)
            *(uint64_t *)((unsigned char *)c + where[i] - 1) += n->n[i];
    }
}

void ms_fwd_counters_add(ms_fwd_counters *sum, const ms_fwd_counters *add)
{
#define ADD(field, label, line) sum->field += add->field;
    MS_FWD_COUNTER_LIST(ADD)
#undef ADD
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

const char *ms_fwd_legacy_text(ms_fwd_legacy s)
{
    switch (s) {
    case MS_FWD_LEGACY_ON:
        return "legacy: receiving on UDP 138";
    case MS_FWD_LEGACY_SHARED:
        return "legacy: sharing UDP 138 with another program: broadcasts only";
    case MS_FWD_LEGACY_DENIED:
        return "legacy: cannot bind UDP 138: needs root or CAP_NET_BIND_SERVICE";
    case MS_FWD_LEGACY_HELD:
        return "legacy: UDP 138 is held by another program that shares it with nobody: "
               "not receiving";
    case MS_FWD_LEGACY_FAILED:
        return "legacy: cannot receive on UDP 138: the socket failed";
    case MS_FWD_LEGACY_SYSTEM:
        return "legacy: Windows receives on UDP 138 itself; this forwarder does not";
    default:
        return "legacy: off";
    }
}
