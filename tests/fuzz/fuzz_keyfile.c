/* SPDX-License-Identifier: MIT */
/* fuzz_keyfile.c -- libFuzzer target: the key file parser and the choice of
 * keys (src/auth/keyring.c).
 *
 * The input is a key file. It must never be read out of bounds; a failure
 * leaves the keyring empty and wiped; a success gives 1 to MS_KEYRING_MAX
 * keys with ordered periods, the send period inside the accept period, and
 * unique key ids, and the key chosen to send or accept a few packets at a
 * few times is one of the ring's and the one keyring.h says. The input is
 * also read as a time: what ms_time_parse accepts, ms_time_format writes
 * back to the same time. */
#include "auth/keyring.h"

#include "mailslot.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static ms_keyring kr;

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static ms_packet packet(uint8_t kind, const char *target, const char *path)
{
    ms_packet p = {.target_kind = kind,
                   .target = target,
                   .target_len = strlen(target),
                   .path = path,
                   .path_len = strlen(path),
                   .payload = (const unsigned char *)"hi",
                   .payload_len = 2};
    return p;
}

static int rank(const ms_keyring_entry *e)
{
    return (e->slot[0] ? 2 : 0) + (e->domain[0] ? 1 : 0);
}

static int sends(const ms_keyring_entry *e, const ms_packet *p, uint64_t now)
{
    return now >= e->send_from && now < e->send_until && ms_keyring_covers(e, p);
}

/* The choices for p at now, against a model of keyring.h's rules. */
static void check_choices(const ms_packet *p, uint64_t now)
{
    const ms_keyring_entry *s = ms_keyring_for_sending(&kr, p, now);
    if (s) {
        if (s < kr.keys || s >= kr.keys + kr.n || !sends(s, p, now))
            abort();
        for (const ms_keyring_entry *e = kr.keys; e < kr.keys + kr.n; e++) {
            if (e == s || !sends(e, p, now))
                continue;
            int better = rank(e) > rank(s) || (rank(e) == rank(s) && e->send_from > s->send_from) ||
                         (rank(e) == rank(s) && e->send_from == s->send_from && e > s);
            if (better)
                abort();
        }
    } else {
        for (size_t i = 0; i < kr.n; i++)
            if (sends(&kr.keys[i], p, now))
                abort();
    }
    for (size_t i = 0; i < kr.n; i++) {
        const ms_keyring_entry *e = &kr.keys[i];
        const ms_auth_key *k = ms_keyring_for_receiving(&kr, e->key.id, p, now);
        int want = now >= e->accept_from && now < e->accept_until && ms_keyring_covers(e, p);
        if (k != (want ? &e->key : NULL))
            abort();
        /* What a host sends, it accepts. */
        if (s == e && k != &e->key)
            abort();
    }
}

static void check_ring(void)
{
    if (kr.n < 1 || kr.n > MS_KEYRING_MAX)
        abort();
    for (size_t i = 0; i < kr.n; i++) {
        const ms_keyring_entry *e = &kr.keys[i];
        if (!(e->accept_from < e->accept_until && e->accept_from <= e->send_from &&
              e->send_from < e->send_until && e->send_until <= e->accept_until))
            abort();
        if (memchr(e->domain, '\0', sizeof e->domain) == NULL ||
            memchr(e->slot, '\0', sizeof e->slot) == NULL)
            abort();
        if (e->line < 1 || (i > 0 && e->line <= kr.keys[i - 1].line))
            abort();
        for (size_t j = 0; j < i; j++)
            if (kr.keys[j].key.id == e->key.id)
                abort();
    }
    /* A few packets: fixed ones, and each key's own scope. */
    ms_packet fixed[] = {
        packet(MS_WIRE_TO_ALL, "", "logger"), packet(MS_WIRE_TO_DOMAIN, "sales", "app\\log"),
        packet(MS_WIRE_TO_DOMAIN, "workgroup", "logger"), packet(MS_WIRE_TO_HOST, "hostb", "x")};
    uint64_t times[] = {0, 1767225600000ull, MS_TIME_END - 1};
    for (size_t pi = 0; pi < sizeof fixed / sizeof fixed[0]; pi++)
        for (size_t ti = 0; ti < sizeof times / sizeof times[0]; ti++)
            check_choices(&fixed[pi], times[ti]);
    for (size_t i = 0; i < kr.n; i++) {
        const ms_keyring_entry *e = &kr.keys[i];
        ms_packet own = packet(e->domain[0] ? MS_WIRE_TO_DOMAIN : MS_WIRE_TO_ALL, e->domain,
                               e->slot[0] ? e->slot : "logger");
        uint64_t edges[] = {
            e->send_from,        e->send_until - 1,
            e->send_until,       e->accept_from,
            e->accept_until - 1, e->accept_until == MS_TIME_END ? 0 : e->accept_until};
        for (size_t ti = 0; ti < sizeof edges / sizeof edges[0]; ti++)
            check_choices(&own, edges[ti]);
        if (!sends(e, &own, e->send_from)) /* its own scope, in its own period */
            abort();
    }
}

static void check_time(const unsigned char *data, size_t size)
{
    uint64_t ms, again;
    if (ms_time_parse((const char *)data, size, &ms) != MAILSLOT_OK)
        return;
    if (ms % 1000 != 0)
        abort();
    if (ms > 253402300799000ull) /* past 9999-12-31T23:59:59Z: only "@SECONDS" */
        return;
    char buf[21];
    ms_time_format(ms, buf, sizeof buf);
    if (ms_time_parse(buf, strlen(buf), &again) != MAILSLOT_OK || again != ms)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    check_time(data, size);
    int rc = ms_keyring_parse(&kr, (const char *)data, size, "fuzz");
    if (rc == MAILSLOT_OK) {
        check_ring();
    } else {
        /* MAILSLOT_E_SYSTEM: libsodium failed to initialise */
        if (rc != MAILSLOT_E_INVALID && rc != MAILSLOT_E_SYSTEM)
            abort();
        if (kr.n != 0 || !all_zero(&kr, sizeof kr))
            abort();
        if (rc == MAILSLOT_E_INVALID && strncmp(mailslot_last_error_detail(), "fuzz: ", 6) != 0)
            abort();
    }
    ms_keyring_clear(&kr);
    if (!all_zero(&kr, sizeof kr))
        abort();
    return 0;
}
