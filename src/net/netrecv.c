/* SPDX-License-Identifier: MIT */
/* netrecv.c -- a reader's decision on a network packet (see netrecv.h). */
#include "net/netrecv.h"
#include "net/legacyrecv.h"
#include "auth/auth.h"
#include "error.h"
#include "log.h"
#include "mailslot.h"

#include <stdio.h>
#include <string.h>

/* Senders a reader remembers: de-duplication of unauthenticated packets,
 * and the replay table of authenticated ones. */
#define DEDUP_SENDERS 1024
#define REPLAY_SENDERS MS_REPLAY_SENDERS_DEFAULT

void ms_netrecv_init(ms_netrecv *r, ms_auth_config *auth, const char *slot)
{
    memset(r, 0, sizeof *r);
    r->auth = auth;
    r->slot = slot;
    r->dedup_senders = DEDUP_SENDERS;
}

void ms_netrecv_destroy(ms_netrecv *r)
{
    if (r->dedup_ready)
        ms_dedup_destroy(&r->dedup);
    if (r->replay_ready)
        ms_replay_destroy(&r->replay);
    r->dedup_ready = r->replay_ready = 0;
}

static int same_path(const ms_packet *p, const char *path)
{
    return p->path_len == strlen(path) && memcmp(p->path, path, p->path_len) == 0;
}

/* De-duplicates an accepted unauthenticated packet: 1 new, 0 dropped. */
static int dedup_accept(ms_netrecv *r, const ms_packet *p, ms_net_counters *c)
{
    if (!r->dedup_ready && ms_dedup_init(&r->dedup, r->dedup_senders) == MAILSLOT_OK)
        r->dedup_ready = 1;
    if (!r->dedup_ready) {
        /* No memory for the table: dropped for want of room, not counted
         * as a duplicate; the next packet tries again. */
        MS_NET(c, MAILSLOT_STAT_NET_OVER_LIMIT)++;
        return 0;
    }
    if (!ms_dedup_accept(&r->dedup, p->sender, p->seq)) {
        MS_NET(c, MAILSLOT_STAT_NET_DUPLICATE)++;
        return 0;
    }
    return 1;
}

static void count_wire(ms_wire_result wr, ms_net_counters *c)
{
    if (wr == MS_WIRE_BAD_VERSION)
        MS_NET(c, MAILSLOT_STAT_NET_UNKNOWN_VERSION)++;
    else
        MS_NET(c, MAILSLOT_STAT_NET_MALFORMED)++;
}

/* Counts an authentication drop in counter key of c; returns how many such
 * drops to tell of now (0: none; rate-limited). */
static uint64_t count_drop(ms_netrecv *r, int key, uint64_t now, ms_net_counters *c)
{
    ms_net_counters_add(c, key, 1);
    if (!r->auth->log)
        return 0;
    return ms_droplog_note(&r->log, (unsigned)(key - MAILSLOT_STAT_AUTH_NONE), now);
}

/* Counts (and, rate-limited, tells) an authentication drop in counter key
 * of c. The line names the counter, as `mailslot stats` does; a packet
 * without authentication has no key id to tell. */
static int drop(ms_netrecv *r, int key, const ms_packet *p, const ms_auth_info *info, uint64_t now,
                ms_net_counters *c)
{
    uint64_t n = count_drop(r, key, now, c);
    if (n == 0)
        return 0;
    char key_id[32] = "";
    if (key != MAILSLOT_STAT_AUTH_NONE)
        snprintf(key_id, sizeof key_id, ", key id %08lx", (unsigned long)info->key_id);
    ms_log(MAILSLOT_LOG_WARNING,
           "%s: dropped %llu network message%s (%s); the latest from sender %016llx, "
           "sequence %lu%s",
           r->slot, (unsigned long long)n, n == 1 ? "" : "s", ms_net_counter_name(key),
           (unsigned long long)p->sender, (unsigned long)p->seq, key_id);
    return 0;
}

static int accept_plain(ms_netrecv *r, const char *path, const unsigned char *buf, size_t len,
                        ms_packet *p, ms_net_counters *c)
{
    ms_wire_result wr = ms_wire_decode(buf, len, p);
    if (wr != MS_WIRE_OK) {
        count_wire(wr, c);
        return 0;
    }
    if (!same_path(p, path)) {
        MS_NET(c, MAILSLOT_STAT_NET_MISADDRESSED)++;
        return 0;
    }
    return dedup_accept(r, p, c);
}

/* The result of the checks after the key lookup, counted. */
static int counted(ms_netrecv *r, ms_auth_result res, const ms_packet *p, const ms_auth_info *info,
                   uint64_t now, ms_net_counters *c)
{
    switch (res) {
    case MS_AUTH_OK:
        MS_NET(c, MAILSLOT_STAT_AUTH_VERIFIED)++;
        return 1;
    case MS_AUTH_REPLAY:
        if (info->replay == MS_REPLAY_DUPLICATE) {
            MS_NET(c, MAILSLOT_STAT_NET_DUPLICATE)++; /* a second path and a replay look alike */
            return 0;
        }
        return drop(r, MAILSLOT_STAT_AUTH_REPLAY, p, info, now, c);
    case MS_AUTH_STALE:
        return drop(r, MAILSLOT_STAT_AUTH_STALE, p, info, now, c);
    case MS_AUTH_FUTURE:
        return drop(r, MAILSLOT_STAT_AUTH_FUTURE, p, info, now, c);
    case MS_AUTH_FULL:
        return drop(r, MAILSLOT_STAT_AUTH_TABLE_FULL, p, info, now, c);
    default:
        return drop(r, MAILSLOT_STAT_AUTH_BAD_TAG, p, info, now, c);
    }
}

/* Keys from a file follow it: a key added for rotation is accepted, a key
 * removed is refused, without a restart. */
static void follow_key_file(ms_netrecv *r, uint64_t now)
{
    int changed = ms_auth_config_refresh(r->auth, now);
    if (changed > 0 && r->auth->log)
        ms_log(MAILSLOT_LOG_INFO, "%s: keys read again from %s: %u key%s", r->slot,
               r->auth->key_file, atomic_load(&r->auth->nkeys),
               atomic_load(&r->auth->nkeys) == 1 ? "" : "s");
    else if (changed < 0 && r->auth->log)
        ms_log(MAILSLOT_LOG_ERROR, "%s: the changed key file is not used, the keys stay: %s",
               r->slot, ms_detail());
}

int ms_netrecv_accept(ms_netrecv *r, const char *path, const unsigned char *buf, size_t len,
                      uint64_t now, ms_packet *p, unsigned char *plain, ms_net_counters *c)
{
    if (r->auth)
        follow_key_file(r, now);
    if (!ms_auth_config_keyed(r->auth))
        return accept_plain(r, path, buf, len, p, c);
    ms_auth_info info;
    ms_auth_result res = ms_auth_parse(buf, len, p, &info);
    if (res == MS_AUTH_MALFORMED) {
        count_wire(info.wire, c);
        return 0;
    }
    if (!same_path(p, path)) {
        MS_NET(c, MAILSLOT_STAT_NET_MISADDRESSED)++;
        return 0;
    }
    /* A trailer of another kind is no authentication (PROTOCOL.md 8.4,
     * check 3); a version 2 payload is ciphertext, never delivered so. */
    if (res == MS_AUTH_UNKNOWN_SUITE && p->version == MS_WIRE_VERSION_SEALED)
        return drop(r, MAILSLOT_STAT_AUTH_NONE, p, &info, now, c);
    if (res == MS_AUTH_NO_AUTH || res == MS_AUTH_UNKNOWN_SUITE) {
        if (!r->auth->migration)
            return drop(r, MAILSLOT_STAT_AUTH_NONE, p, &info, now, c);
        if (!dedup_accept(r, p, c))
            return 0;
        MS_NET(c, MAILSLOT_STAT_AUTH_UNVERIFIED)++;
        return 1;
    }
    const ms_auth_key *k = ms_keyring_for_receiving(r->auth->keys, info.key_id, p, now);
    if (!k)
        return drop(r, MAILSLOT_STAT_AUTH_UNKNOWN_KEY, p, &info, now, c);
    if (!r->replay_ready) {
        /* A verified packet needs the table; without memory it is dropped
         * (counted as over the limit, as the queue would) and the next
         * packet tries again. */
        if (ms_replay_init(&r->replay, r->auth->replay_window, REPLAY_SENDERS,
                           r->auth->time_window_ms) != MAILSLOT_OK) {
            MS_NET(c, MAILSLOT_STAT_NET_OVER_LIMIT)++;
            return 0;
        }
        r->replay_ready = 1;
    }
    res = ms_auth_open_parsed(k, &r->replay, now, buf, len, p, &info, plain);
    return counted(r, res, p, &info, now, c);
}

/* A legacy datagram has no sender id: the line names its NetBIOS source
 * name and address instead. */
static int drop_legacy(ms_netrecv *r, const ms_legacy_datagram *d, uint64_t now, ms_net_counters *c)
{
    uint64_t n = count_drop(r, MAILSLOT_STAT_AUTH_NONE, now, c);
    if (n == 0)
        return 0;
    int name_len = MS_LEGACY_NAME_CHARS;
    while (name_len > 0 && d->source.chars[name_len - 1] == ' ')
        name_len--;
    ms_log(MAILSLOT_LOG_WARNING,
           "%s: dropped %llu network message%s (%s); the latest a legacy datagram (Windows "
           "format, no authentication) from %.*s at %u.%u.%u.%u",
           r->slot, (unsigned long long)n, n == 1 ? "" : "s",
           ms_net_counter_name(MAILSLOT_STAT_AUTH_NONE), name_len, d->source.chars,
           (unsigned)(d->source_ip >> 24), (unsigned)(d->source_ip >> 16 & 0xFF),
           (unsigned)(d->source_ip >> 8 & 0xFF), (unsigned)(d->source_ip & 0xFF));
    return 0;
}

int ms_netrecv_accept_legacy(ms_netrecv *r, const char *path, const unsigned char *buf, size_t len,
                             uint64_t now, const unsigned char **data, size_t *data_len,
                             ms_net_counters *c)
{
    ms_legacy_datagram d;
    char slot[MS_PATH_MAX + 1];
    /* The forwarder checked all this; a record that disagrees is not
     * trusted further. */
    if (ms_legacy_decode(buf, len, &d) != MS_LEGACY_OK) {
        MS_NET(c, MAILSLOT_STAT_NET_MALFORMED)++;
        return 0;
    }
    if (!ms_legacy_slot_path(&d, slot) || strcmp(slot, path) != 0) {
        MS_NET(c, MAILSLOT_STAT_NET_MISADDRESSED)++;
        return 0;
    }
    if (r->auth)
        follow_key_file(r, now);
    if (ms_auth_config_keyed(r->auth))
        return drop_legacy(r, &d, now, c);
    *data = d.data;
    *data_len = d.data_len;
    return 1;
}
