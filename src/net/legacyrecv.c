/* SPDX-License-Identifier: MIT */
/* legacyrecv.c -- the host forwarder's decision on a datagram of Windows
 * hosts (legacyrecv.h; abi/PROTOCOL.md section 9.3). */
#include "net/legacyrecv.h"

#include "bytes.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

#define SLOT_PREFIX "\\\\.\\mailslot\\"

int ms_legacy_recv_init(ms_legacy_recv *r, const ms_net_config *cfg, const char *host_name)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < cfg->ndomains; i++) {
        const char *dom = cfg->domains[i];
        if (ms_legacy_name_make(dom, strlen(dom), MS_LEGACY_SUFFIX_WORKSTATION,
                                &r->domains[r->ndomains]) == 0)
            r->ndomains++;
    }
    r->has_host = ms_legacy_host_name(cfg->netbios_name, host_name, MS_LEGACY_SUFFIX_WORKSTATION,
                                      &r->host) == 0;
    return r->has_host ? 0 : -1;
}

/* 1 when n names this host: its own name with <00>, or a domain's with a
 * suffix a write to a workgroup uses. Names from the wire compare without
 * regard to case, as this host's (upper case) are written. */
static int for_this_host(const ms_legacy_recv *r, const ms_legacy_name *n)
{
    ms_legacy_name up = *n;
    for (size_t i = 0; i < MS_LEGACY_NAME_CHARS; i++)
        if (up.chars[i] >= 'a' && up.chars[i] <= 'z')
            up.chars[i] = (char)(up.chars[i] - 'a' + 'A');
    if (r->has_host && ms_legacy_name_equal(&up, &r->host))
        return 1;
    if (up.suffix != MS_LEGACY_SUFFIX_WORKSTATION && up.suffix != MS_LEGACY_SUFFIX_MASTER_BROWSER &&
        up.suffix != MS_LEGACY_SUFFIX_BROWSER_ELECTION)
        return 0;
    for (size_t i = 0; i < r->ndomains; i++)
        if (memcmp(up.chars, r->domains[i].chars, MS_LEGACY_NAME_CHARS) == 0)
            return 1;
    return 0;
}

int ms_legacy_slot_path(const ms_legacy_datagram *d, char *path)
{
    char mapped[MS_PATH_MAX + 1];
    if (ms_legacy_path(d->mailslot, d->mailslot_len, mapped, sizeof mapped) == 0)
        return 0;
    char text[sizeof SLOT_PREFIX + MS_PATH_MAX];
    snprintf(text, sizeof text, SLOT_PREFIX "%s", mapped);
    ms_name name;
    if (ms_name_parse(text, &name) != MAILSLOT_OK)
        return 0;
    memcpy(path, name.path, strlen(name.path) + 1);
    return 1;
}

/* FNV-1a over the datagram: its source address and id are in its bytes. */
static uint64_t datagram_key(const unsigned char *buf, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ buf[i]) * 0x100000001b3u;
    return h;
}

/* 1 when a datagram with key was delivered within MS_LEGACY_DEDUP_MS of
 * now; else remembers it (in place of the oldest) and returns 0. */
static int seen_recently(ms_legacy_recv *r, uint64_t key, int64_t now)
{
    for (size_t i = 0; i < MS_LEGACY_RECENT; i++) {
        const ms_legacy_recent *e = &r->recent[i];
        if (e->at != 0 && e->key == key && now - e->at < MS_LEGACY_DEDUP_MS)
            return 1;
    }
    r->recent[r->next] = (ms_legacy_recent){.key = key, .at = now > 0 ? now : 1};
    r->next = (r->next + 1) % MS_LEGACY_RECENT;
    return 0;
}

/* Why a datagram that is not a mailslot write for this host is dropped:
 * MS_LEGACY_DELIVER when it is one. */
static ms_legacy_verdict judge(const ms_legacy_recv *r, const unsigned char *buf, size_t len,
                               int from_self, ms_legacy_decision *out)
{
    if (from_self) {
        out->why = "sent by this host";
        return MS_LEGACY_DROP_OWN;
    }
    ms_legacy_result res = ms_legacy_decode(buf, len, &out->d);
    if (res != MS_LEGACY_OK) {
        out->why = ms_legacy_result_text(res);
        return MS_LEGACY_DROP_MALFORMED;
    }
    /* Decoded: the header and its datagram length are there. */
    out->len = MS_LEGACY_HEADER + ms_get16(buf + 10);
    if (out->len > MS_LEGACY_MAX_DATAGRAM) {
        out->why = "longer than a NetBIOS datagram";
        return MS_LEGACY_DROP_MALFORMED;
    }
    if (!for_this_host(r, &out->d.destination)) {
        out->why = "for a name that is not this host's or its domains'";
        return MS_LEGACY_DROP_MISADDRESSED;
    }
    if (!ms_legacy_slot_path(&out->d, out->path)) {
        out->why = "a mailslot name that is not a slot name";
        return MS_LEGACY_DROP_MALFORMED;
    }
    return MS_LEGACY_DELIVER;
}

ms_legacy_verdict ms_legacy_recv_check(ms_legacy_recv *r, const unsigned char *buf, size_t len,
                                       int from_self, int64_t now, ms_legacy_decision *out,
                                       ms_fwd_counters *c)
{
    c->legacy_datagrams++;
    out->why = "";
    out->len = 0;
    out->tell = 0;
    ms_legacy_verdict v = judge(r, buf, len, from_self, out);
    if (v == MS_LEGACY_DELIVER && seen_recently(r, datagram_key(buf, out->len), now)) {
        out->why = "a copy of a datagram delivered just now";
        v = MS_LEGACY_DROP_DUPLICATE;
    }
    switch (v) {
    case MS_LEGACY_DROP_OWN:
        c->legacy_own++;
        break;
    case MS_LEGACY_DROP_MALFORMED:
        c->legacy_malformed++;
        out->tell = ms_droplog_note(&r->log, 0, (uint64_t)now);
        break;
    case MS_LEGACY_DROP_MISADDRESSED:
        c->legacy_misaddressed++;
        break;
    case MS_LEGACY_DROP_DUPLICATE:
        c->legacy_duplicate++;
        break;
    default:
        break;
    }
    return v;
}
