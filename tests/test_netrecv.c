/* SPDX-License-Identifier: MIT */
/* test_netrecv.c -- a reader's decision on network packets (src/net/netrecv.c)
 * with keys, at chosen times: every rule of PROTOCOL.md section 8.4 and the
 * replay window as a reader applies them, with the counters they move, and
 * the rate limit of the drop log. Pure: no sockets, no clock. */
#include "test_util.h"

#include "packets.h"

#include "auth/auth.h"
#include "net/droplog.h"
#include "auth/keyring.h"
#include "net/forward.h"
#include "net/netrecv.h"

#define NOW 1795000000000ull /* 2026-11-18T... : any fixed time */
#define WINDOW 120000ull
#define PATH "app\\log"

static ms_keyring ring;
static ms_auth_config auth;
static ms_netrecv recv_;
static ms_net_counters counters;
static unsigned char plain[MS_WIRE_MAX_PAYLOAD];

/* 1 when needle occurs in hay (memmem is not in every C library). */
static int contains(const void *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return 1;
    return 0;
}

static void key_bytes(unsigned char seed, unsigned char out[MS_AUTH_KEY_BYTES])
{
    for (int i = 0; i < MS_AUTH_KEY_BYTES; i++)
        out[i] = (unsigned char)(seed * 31 + i);
}

/* Adds a key made from seed to the ring, for every time and every scope. */
static ms_keyring_entry *add_key(unsigned char seed)
{
    unsigned char k[MS_AUTH_KEY_BYTES];
    key_bytes(seed, k);
    ms_keyring_entry *e = &ring.keys[ring.n++];
    memset(e, 0, sizeof *e);
    OK(ms_auth_key_init(&e->key, k));
    e->accept_until = e->send_until = MS_TIME_END;
    return e;
}

static int setup(void **state)
{
    (void)state;
    memset(&ring, 0, sizeof ring);
    memset(&counters, 0, sizeof counters);
    auth = (ms_auth_config){.keys = &ring,
                            .suite = MS_AUTH_SUITE_HMAC,
                            .replay_window = 64,
                            .time_window_ms = WINDOW,
                            .migration = 0,
                            .log = 0};
    ms_netrecv_init(&recv_, &auth, "\\\\.\\mailslot\\" PATH);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ms_netrecv_destroy(&recv_);
    ms_keyring_clear(&ring);
    return 0;
}

typedef struct sealed {
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t len;
} sealed;

static ms_packet packet(const char *path, uint64_t sender, uint32_t seq, const char *payload)
{
    return test_packet(MS_WIRE_TO_ALL, "", path, sender, seq, payload, strlen(payload));
}

static sealed seal_packet(const ms_auth_key *k, int suite, const ms_packet *p, uint64_t ts)
{
    sealed s;
    unsigned char nonce[MS_AUTH_NONCE_BYTES];
    ms_auth_random_nonce(nonce);
    s.len = ms_auth_seal(k, suite, p, ts, nonce, s.buf, sizeof s.buf);
    assert_true(s.len > 0);
    return s;
}

static sealed seal(const ms_auth_key *k, int suite, uint64_t sender, uint32_t seq, uint64_t ts,
                   const char *payload)
{
    ms_packet p = packet(PATH, sender, seq, payload);
    return seal_packet(k, suite, &p, ts);
}

static int accept_at(const sealed *s, uint64_t now, ms_packet *out)
{
    return ms_netrecv_accept(&recv_, PATH, s->buf, s->len, now, out, plain, &counters);
}

static int accepted(const sealed *s)
{
    ms_packet p;
    return accept_at(s, NOW, &p);
}

static uint64_t drops(void)
{
    /* Every counter but those of accepted messages. */
    uint64_t n = 0;
    for (int key = MS_STAT_FIRST; key < MS_STAT_FIRST + MS_NET_COUNTERS; key++)
        if (key != MAILSLOT_STAT_NET_RECEIVED && key != MAILSLOT_STAT_AUTH_VERIFIED &&
            key != MAILSLOT_STAT_AUTH_UNVERIFIED && key != MAILSLOT_STAT_LEGACY_RECEIVED)
            n += MS_NET(&counters, key);
    return n;
}

/* ---- accepted ------------------------------------------------------------ */

static void test_both_suites_are_accepted_and_opened(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    ms_packet p;
    sealed a = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 0, NOW, "signed");
    sealed b = seal(&e->key, MS_AUTH_SUITE_AEAD, 1, 1, NOW, "secret");
    assert_true(accept_at(&a, NOW, &p));
    assert_int_equal(p.payload_len, 6);
    assert_memory_equal(p.payload, "signed", 6);
    assert_true(accept_at(&b, NOW, &p));
    assert_ptr_equal(p.payload, plain); /* decrypted into the caller's buffer */
    assert_memory_equal(p.payload, "secret", 6);
    assert_false(contains(b.buf, b.len, "secret")); /* it was not on the wire */
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_VERIFIED), 2);
    assert_int_equal(drops(), 0);
}

/* ---- time ---------------------------------------------------------------- */

static void test_timestamps_at_the_window_pass_and_one_beyond_fail(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    sealed past = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 0, NOW - WINDOW, "a");
    sealed ahead = seal(&e->key, MS_AUTH_SUITE_HMAC, 2, 0, NOW + WINDOW, "b");
    sealed stale = seal(&e->key, MS_AUTH_SUITE_HMAC, 3, 0, NOW - WINDOW - 1, "c");
    sealed future = seal(&e->key, MS_AUTH_SUITE_HMAC, 4, 0, NOW + WINDOW + 1, "d");
    assert_true(accepted(&past));
    assert_true(accepted(&ahead));
    assert_false(accepted(&stale));
    assert_false(accepted(&future));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_STALE), 1);
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_FUTURE), 1);
    /* The window is the reader's setting. */
    auth.time_window_ms = 1000;
    ms_netrecv_destroy(&recv_);
    ms_netrecv_init(&recv_, &auth, "slot");
    sealed late = seal(&e->key, MS_AUTH_SUITE_HMAC, 5, 0, NOW - 1001, "e");
    assert_false(accepted(&late));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_STALE), 2);
}

/* ---- replay -------------------------------------------------------------- */

static void test_duplicates_and_packets_behind_the_window_are_dropped(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    sealed s100 = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 100, NOW, "100");
    sealed s90 = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 90, NOW, "90");
    sealed s95 = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 95, NOW, "95");
    sealed s37 = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 37, NOW, "37"); /* inside: 100 - 63 */
    sealed s36 = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 36, NOW, "36"); /* behind: 100 - 64 */
    assert_true(accepted(&s100));
    assert_true(accepted(&s90)); /* reordered inside the window: once each */
    assert_true(accepted(&s95));
    assert_true(accepted(&s37));
    assert_false(accepted(&s90));
    assert_false(accepted(&s100));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_DUPLICATE), 2);
    assert_false(accepted(&s36));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_REPLAY), 1);
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_VERIFIED), 4);
}

static void test_a_forged_huge_sequence_does_not_move_the_window(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    sealed first = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 10, NOW, "first");
    assert_true(accepted(&first));
    sealed forged = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 0x7FFFFFFF, NOW, "forged");
    forged.buf[forged.len - 1] ^= 1; /* the tag no longer verifies */
    assert_false(accepted(&forged));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_BAD_TAG), 1);
    /* Had it moved the window, 11 would be far behind it. */
    sealed next = seal(&e->key, MS_AUTH_SUITE_HMAC, 9, 11, NOW, "next");
    assert_true(accepted(&next));
}

static void test_sender_restart_with_new_id_passes_old_id_reset_fails(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    for (uint32_t seq = 0; seq < 200; seq++) {
        sealed s = seal(&e->key, MS_AUTH_SUITE_HMAC, 5, seq, NOW, "x");
        assert_true(accepted(&s));
    }
    sealed reset = seal(&e->key, MS_AUTH_SUITE_HMAC, 5, 0, NOW, "reset");
    assert_false(accepted(&reset));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_REPLAY), 1);
    sealed fresh = seal(&e->key, MS_AUTH_SUITE_HMAC, 6, 0, NOW, "new id");
    assert_true(accepted(&fresh));
}

static void test_a_restarted_reader_accepts_a_replay_once(void **state)
{
    (void)state;
    /* Documented (abi/mailslot.h, MAILSLOT_OPT_REPLAY_WINDOW): the window
     * lives in memory, so a reader that restarts accepts, once, a packet
     * replayed within the time window. */
    ms_keyring_entry *e = add_key(1);
    sealed s = seal(&e->key, MS_AUTH_SUITE_HMAC, 5, 1, NOW, "once more");
    assert_true(accepted(&s));
    ms_netrecv_destroy(&recv_);
    ms_netrecv_init(&recv_, &auth, "slot");
    assert_true(accepted(&s));
    assert_false(accepted(&s));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_DUPLICATE), 1);
}

/* ---- keys ---------------------------------------------------------------- */

static void test_unknown_key_and_wrong_key_under_a_known_id(void **state)
{
    (void)state;
    add_key(1);
    unsigned char other[MS_AUTH_KEY_BYTES];
    key_bytes(2, other);
    ms_auth_key k2;
    OK(ms_auth_key_init(&k2, other));
    sealed unknown = seal(&k2, MS_AUTH_SUITE_HMAC, 1, 0, NOW, "unknown");
    assert_false(accepted(&unknown));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 1);
    /* Key 2's subkeys under key 1's id: found, and the tag fails. */
    k2.id = ring.keys[0].key.id;
    sealed wrong = seal(&k2, MS_AUTH_SUITE_HMAC, 1, 1, NOW, "wrong");
    sealed wrong_aead = seal(&k2, MS_AUTH_SUITE_AEAD, 1, 2, NOW, "wrong");
    assert_false(accepted(&wrong));
    assert_false(accepted(&wrong_aead));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_BAD_TAG), 2);
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_VERIFIED), 0);
}

static void test_rotation_overlap_and_removal(void **state)
{
    (void)state;
    const uint64_t t = NOW + 3600000; /* the old key is accepted until then */
    ms_keyring_entry *old = add_key(1);
    old->accept_until = old->send_until = t;
    ms_keyring_entry *cur = add_key(2);
    ms_auth_key old_key = old->key, new_key = cur->key;
    sealed a = seal(&old_key, MS_AUTH_SUITE_HMAC, 7, 1, NOW, "old");
    sealed b = seal(&new_key, MS_AUTH_SUITE_HMAC, 7, 2, NOW, "new");
    assert_true(accepted(&a)); /* both during the overlap */
    assert_true(accepted(&b));
    /* The replay window is per sender, not per key: switching keys does
     * not reset it. */
    sealed again = seal(&new_key, MS_AUTH_SUITE_HMAC, 7, 1, NOW, "old seq, new key");
    assert_false(accepted(&again));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_DUPLICATE), 1);
    /* After the old key's accept period, and once it is removed. */
    ms_packet p;
    sealed late = seal(&old_key, MS_AUTH_SUITE_HMAC, 8, 1, t, "too late");
    assert_false(accept_at(&late, t, &p));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 1);
    ring.keys[0] = ring.keys[1];
    ring.n = 1;
    sealed gone = seal(&old_key, MS_AUTH_SUITE_HMAC, 9, 1, NOW, "removed");
    assert_false(accepted(&gone));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 2);
}

static void test_a_slot_key_is_refused_on_another_slot(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    strcpy(e->slot, "other");
    sealed s = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 0, NOW, "for app\\log");
    assert_false(accepted(&s));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 1);
    strcpy(e->slot, PATH);
    sealed t = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 1, NOW, "for app\\log");
    assert_true(accepted(&t));
    /* A domain key covers messages to its domain only. */
    strcpy(e->domain, "sales");
    sealed u = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 2, NOW, "to every host");
    assert_false(accepted(&u));
    ms_packet p = packet(PATH, 1, 3, "to sales");
    p.target_kind = MS_WIRE_TO_DOMAIN;
    p.target = "sales";
    p.target_len = 5;
    sealed v = seal_packet(&e->key, MS_AUTH_SUITE_HMAC, &p, NOW);
    assert_true(accepted(&v));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_UNKNOWN_KEY), 2);
}

/* ---- changed packets ----------------------------------------------------- */

static void test_every_changed_bit_is_refused_and_no_plaintext_leaks(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    for (int suite = MS_AUTH_SUITE_HMAC; suite <= MS_AUTH_SUITE_AEAD; suite++) {
        sealed good = seal(&e->key, suite, (uint64_t)suite, 0, NOW, "payload!");
        for (size_t i = 0; i < good.len; i++)
            for (int b = 0; b < 8; b++) {
                sealed bad = good;
                bad.buf[i] ^= (unsigned char)(1u << b);
                memset(plain, 0, sizeof plain);
                uint64_t before = drops();
                assert_false(accepted(&bad));
                assert_int_equal(drops(), before + 1); /* counted once, somewhere */
                assert_false(contains(plain, sizeof plain, "payload!"));
            }
        assert_true(accepted(&good)); /* nothing moved the window */
    }
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_VERIFIED), 2);
}

static void test_truncated_extended_and_unauthenticated_packets(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    sealed good = seal(&e->key, MS_AUTH_SUITE_HMAC, 3, 0, NOW, "whole");
    for (size_t n = 0; n < good.len; n++) {
        sealed cut = good;
        cut.len = n;
        assert_false(accepted(&cut));
    }
    sealed longer = good;
    longer.buf[longer.len++] = 0;
    assert_false(accepted(&longer));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_VERIFIED), 0);
    /* A version 1 packet without a trailer. */
    ms_packet p = packet(PATH, 3, 1, "plain");
    sealed bare;
    bare.len = ms_wire_encode(&p, bare.buf, sizeof bare.buf);
    assert_false(accepted(&bare));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_NONE), 1);
    /* Migration lets it through, de-duplicated, and counts it. */
    auth.migration = 1;
    assert_true(accepted(&bare));
    assert_false(accepted(&bare));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_UNVERIFIED), 1);
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_DUPLICATE), 1);
    /* but never a bad tag */
    sealed bad = good;
    bad.buf[bad.len - 1] ^= 0x80;
    assert_false(accepted(&bad));
    assert_true(accepted(&good));
}

static void test_a_packet_for_another_slot_is_misaddressed(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    ms_packet p = packet("other", 1, 0, "x");
    sealed s = seal_packet(&e->key, MS_AUTH_SUITE_HMAC, &p, NOW);
    assert_false(accepted(&s));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_MISADDRESSED), 1);
}

/* ---- state --------------------------------------------------------------- */

static void test_a_flood_of_bad_tags_creates_no_state(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    long n = scaled(MS_REPLAY_SENDERS_DEFAULT + 1000);
    for (long i = 0; i < n; i++) {
        sealed s = seal(&e->key, MS_AUTH_SUITE_HMAC, 1000 + (uint64_t)i, 0, NOW, "forged");
        s.buf[s.len - 5] ^= 0x10;
        assert_false(accepted(&s));
    }
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_BAD_TAG), n);
    assert_int_equal(recv_.replay.live, 0);
    sealed good = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 0, NOW, "still served");
    assert_true(accepted(&good));
    assert_int_equal(recv_.replay.live, 1);
}

static void test_a_full_sender_table_drops_new_senders_only(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    for (uint64_t i = 0; i < MS_REPLAY_SENDERS_DEFAULT; i++) {
        sealed s = seal(&e->key, MS_AUTH_SUITE_HMAC, 1000 + i, 0, NOW, "x");
        assert_true(accepted(&s));
    }
    sealed newcomer = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 0, NOW, "new");
    assert_false(accepted(&newcomer));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_TABLE_FULL), 1);
    sealed known = seal(&e->key, MS_AUTH_SUITE_HMAC, 1000, 1, NOW, "known");
    assert_true(accepted(&known));
    /* Idle senders are forgotten after the time window. */
    ms_packet p;
    sealed later = seal(&e->key, MS_AUTH_SUITE_HMAC, 1, 0, NOW + WINDOW + 1, "later");
    assert_true(accept_at(&later, NOW + WINDOW + 1, &p));
}

/* ---- without keys -------------------------------------------------------- */

static void test_without_keys_suite_1_is_read_and_suite_2_is_unknown(void **state)
{
    (void)state;
    ms_keyring_entry *e = add_key(1);
    ms_auth_key k = e->key;
    ring.n = 0; /* a reader with no keys */
    sealed a = seal(&k, MS_AUTH_SUITE_HMAC, 1, 0, NOW, "signed");
    sealed b = seal(&k, MS_AUTH_SUITE_AEAD, 1, 1, NOW, "secret");
    ms_packet p;
    assert_true(accept_at(&a, NOW, &p));
    assert_memory_equal(p.payload, "signed", 6);
    assert_false(accept_at(&b, NOW, &p));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_UNKNOWN_VERSION), 1);
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_VERIFIED), 0);
}

/* ---- the datagrams of Windows hosts (legacy mode) ------------------------ */

typedef struct legacy_dgram {
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len;
} legacy_dgram;

/* A Windows host's write of payload to mailslot (as the forwarder passes
 * it on: legacyrecv.c took it for this host). */
static legacy_dgram legacy(const char *mailslot, const char *payload)
{
    legacy_dgram g;
    g.len = test_legacy_datagram(mailslot, payload, g.buf, sizeof g.buf);
    assert_true(g.len > 0);
    return g;
}

static int legacy_accepted(const legacy_dgram *g, const char **data, size_t *len)
{
    const unsigned char *d = NULL;
    int ok = ms_netrecv_accept_legacy(&recv_, PATH, g->buf, g->len, NOW, &d, len, &counters);
    *data = (const char *)d;
    return ok;
}

/* A reader without keys takes a legacy write's data as it is. */
static void test_legacy_without_keys_is_taken(void **state)
{
    (void)state;
    ring.n = 0;
    legacy_dgram g = legacy("\\MAILSLOT\\App\\Log", "from windows");
    const char *data;
    size_t len;
    assert_true(legacy_accepted(&g, &data, &len));
    assert_int_equal(len, 12);
    assert_memory_equal(data, "from windows", 12);
    assert_int_equal(drops(), 0);
}

/* A reader with keys takes none: the format cannot be authenticated, and
 * migration (which lets unauthenticated packets of our own format in) does
 * not let these in. */
static void test_legacy_with_keys_is_auth_none(void **state)
{
    (void)state;
    add_key(1);
    legacy_dgram g = legacy("\\MAILSLOT\\app\\log", "from windows");
    const char *data;
    size_t len;
    assert_false(legacy_accepted(&g, &data, &len));
    auth.migration = 1;
    assert_false(legacy_accepted(&g, &data, &len));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_AUTH_NONE), 2);
    assert_int_equal(drops(), 2);
}

/* A record for another slot, or one that is not a legacy write at all. */
static void test_legacy_misaddressed_and_malformed(void **state)
{
    (void)state;
    ring.n = 0;
    legacy_dgram g = legacy("\\MAILSLOT\\app\\other", "x");
    const char *data;
    size_t len;
    assert_false(legacy_accepted(&g, &data, &len));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_MISADDRESSED), 1);
    g = legacy("\\MAILSLOT\\app\\log", "x");
    g.len -= 2;
    assert_false(legacy_accepted(&g, &data, &len));
    assert_int_equal(MS_NET(&counters, MAILSLOT_STAT_NET_MALFORMED), 1);
    assert_int_equal(drops(), 2);
}

/* ---- the drop log -------------------------------------------------------- */

static void test_drop_log_tells_the_first_then_once_a_period(void **state)
{
    (void)state;
    ms_droplog d;
    memset(&d, 0, sizeof d);
    assert_int_equal(ms_droplog_note(&d, 3, 1000), 1);
    for (int i = 0; i < 10; i++)
        assert_int_equal(ms_droplog_note(&d, 3, 1000 + (uint64_t)i), 0);
    assert_int_equal(ms_droplog_note(&d, 4, 1500), 1); /* reasons are apart */
    assert_int_equal(ms_droplog_note(&d, 3, 1000 + MS_DROPLOG_PERIOD - 1), 0);
    assert_int_equal(ms_droplog_note(&d, 3, 1000 + MS_DROPLOG_PERIOD), 12);
    assert_int_equal(ms_droplog_note(&d, 3, 1000 + MS_DROPLOG_PERIOD + 1), 0);
    /* A clock that went back does not silence the log forever. */
    assert_int_equal(ms_droplog_note(&d, 3, 10), 2);
    /* Out-of-range reasons share the last slot rather than write outside. */
    assert_int_equal(ms_droplog_note(&d, 1000, 5), 1);
}

/* A forwarder that runs ms_netrecv for its readers (Windows) adds their
 * counters to its own as forward.c says: each counter in one field at most
 * (forward.c does not compile without a line for each). Each counter holds
 * its own bit, so a field shows which counters went into it. */
static void test_a_forwarder_counts_each_reader_counter_once(void **state)
{
    (void)state;
    ms_net_counters n;
    for (int i = 0; i < MS_STAT_COUNT; i++)
        n.n[i] = (uint64_t)1 << i;
#define BIT(name) ((uint64_t)1 << (MAILSLOT_STAT_##name - MS_STAT_FIRST))
    ms_fwd_counters c;
    memset(&c, 0, sizeof c);
    ms_fwd_count_netrecv(&c, &n);
    uint64_t seen = 0;
#define SEEN(field, label, line)                                                                   \
    assert_int_equal(seen &c.field, 0);                                                            \
    seen |= c.field;
    MS_FWD_COUNTER_LIST(SEEN)
#undef SEEN
    assert_int_equal(c.malformed, BIT(NET_MALFORMED) | BIT(NET_MISADDRESSED));
    assert_int_equal(c.unknown_version, BIT(NET_UNKNOWN_VERSION));
    assert_int_equal(c.duplicate, BIT(NET_DUPLICATE));
    assert_int_equal(c.failed, BIT(NET_OVER_LIMIT));
    assert_int_equal(c.auth_none, BIT(AUTH_NONE));
    assert_int_equal(c.auth_unknown_key, BIT(AUTH_UNKNOWN_KEY));
    assert_int_equal(c.auth_bad_tag, BIT(AUTH_BAD_TAG));
    assert_int_equal(c.auth_replay, BIT(AUTH_REPLAY));
    assert_int_equal(c.auth_stale, BIT(AUTH_STALE));
    assert_int_equal(c.auth_future, BIT(AUTH_FUTURE));
    assert_int_equal(c.auth_table_full, BIT(AUTH_TABLE_FULL));
    assert_int_equal(c.auth_verified, BIT(AUTH_VERIFIED));
    assert_int_equal(c.auth_unverified, BIT(AUTH_UNVERIFIED));
    /* net_received is not added: the forwarder counts what it hands over. */
    assert_int_equal(seen & BIT(NET_RECEIVED), 0);
    assert_int_equal(c.datagrams + c.forwarded + c.not_for_us + c.no_reader + c.no_key, 0);
#undef BIT
    /* The sum adds every field. */
    ms_fwd_counters sum = c;
    ms_fwd_counters_add(&sum, &c);
#define TWICE(field, label, line) assert_int_equal(sum.field, 2 * c.field);
    MS_FWD_COUNTER_LIST(TWICE)
#undef TWICE
}

int main(int argc, char **argv)
{
    /* The drop log and the forwarder's sums first: that is all there is
     * without libsodium, whose readers cannot have keys (test_netauth checks
     * that they say so). */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drop_log_tells_the_first_then_once_a_period),
        cmocka_unit_test(test_a_forwarder_counts_each_reader_counter_once),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_both_suites_are_accepted_and_opened),
        T(test_timestamps_at_the_window_pass_and_one_beyond_fail),
        T(test_duplicates_and_packets_behind_the_window_are_dropped),
        T(test_a_forged_huge_sequence_does_not_move_the_window),
        T(test_sender_restart_with_new_id_passes_old_id_reset_fails),
        T(test_a_restarted_reader_accepts_a_replay_once),
        T(test_unknown_key_and_wrong_key_under_a_known_id),
        T(test_rotation_overlap_and_removal),
        T(test_a_slot_key_is_refused_on_another_slot),
        T(test_every_changed_bit_is_refused_and_no_plaintext_leaks),
        T(test_truncated_extended_and_unauthenticated_packets),
        T(test_a_packet_for_another_slot_is_misaddressed),
        T(test_a_flood_of_bad_tags_creates_no_state),
        T(test_a_full_sender_table_drops_new_senders_only),
        T(test_without_keys_suite_1_is_read_and_suite_2_is_unknown),
        T(test_legacy_without_keys_is_taken),
        T(test_legacy_with_keys_is_auth_none),
        T(test_legacy_misaddressed_and_malformed),
#undef T
    };
    size_t n = sizeof tests / sizeof tests[0];
    if (!ms_auth_available()) {
        printf("built without libsodium: only the drop log and the forwarder's sums are tested "
               "here\n");
        n = 2;
    }
    return ms_run_tests(argc, argv, "netrecv", tests, n, NULL, NULL);
}
