/* SPDX-License-Identifier: MIT */
/* test_auth.c -- authenticated packets (abi/PROTOCOL.md section 8): round
 * trips of both suites, golden vectors, and every way to change a sealed
 * packet (each byte, the flags, the slot, the key, the tag) failing. */
#include "test_util.h"

#include "packets.h"

#include "auth/auth.h"

#define TS 1767225600000ull /* 2026-01-01T00:00:00Z */

/* PROTOCOL.md section 8.6: the key 00 01 .. 1F and the nonce 40 41 .. 57. */
static unsigned char master[MS_AUTH_KEY_BYTES];
static unsigned char nonce[MS_AUTH_NONCE_BYTES];

/* Section 6's packet: "hi" from 0102030405060708, sequence 5, \\*\mailslot\app\log. */
static ms_packet example_packet(void)
{
    return test_packet(MS_WIRE_TO_ALL, "", "app\\log", 0x0102030405060708ull, 5, "hi", 2);
}

/* The golden vectors of PROTOCOL.md section 8.6. */
static const unsigned char golden_hmac[] = {
    0x4D, 0x53, 0x4C, 0x54, 0x01, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04,
    0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x00, 0x05, 0x61, 0x70, 0x70, 0x5C, 0x6C, 0x6F, 0x67, 0x68,
    0x69, 0x00, 0x2D, 0x01, 0x08, 0xC3, 0x2E, 0x3C, 0x00, 0x00, 0x01, 0x9B, 0x76, 0xDA, 0xA8, 0x00,
    0x83, 0xE9, 0x23, 0x1B, 0x26, 0x9C, 0x85, 0x61, 0x87, 0x27, 0x19, 0xFE, 0xA9, 0xC0, 0x4D, 0x95,
    0xA6, 0xA7, 0x64, 0x56, 0x90, 0x01, 0xF7, 0x47, 0xF6, 0x14, 0x2A, 0xE5, 0x72, 0x70, 0xFF, 0x48,
};
static const unsigned char golden_aead[] = {
    0x4D, 0x53, 0x4C, 0x54, 0x02, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 0x01, 0x02, 0x03,
    0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x00, 0x05, 0x61, 0x70, 0x70, 0x5C, 0x6C, 0x6F,
    0x67, 0x8C, 0x57, 0x00, 0x35, 0x02, 0x08, 0xC3, 0x2E, 0x3C, 0x00, 0x00, 0x01, 0x9B, 0x76,
    0xDA, 0xA8, 0x00, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B,
    0x4C, 0x4D, 0x4E, 0x4F, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x57, 0x77, 0x3E,
    0xDB, 0xE5, 0x6A, 0x5B, 0xE1, 0xF3, 0x9E, 0x01, 0xB4, 0xDE, 0xD2, 0x20, 0xD9,
};
#define GOLDEN_KEY_ID 0x08C32E3Cu

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < MS_AUTH_KEY_BYTES; i++)
        master[i] = (unsigned char)i;
    for (int i = 0; i < MS_AUTH_NONCE_BYTES; i++)
        nonce[i] = (unsigned char)(0x40 + i);
    return 0;
}

static ms_auth_key key_of(unsigned char first)
{
    unsigned char m[MS_AUTH_KEY_BYTES];
    memcpy(m, master, sizeof m);
    m[0] = first;
    ms_auth_key k;
    OK(ms_auth_key_init(&k, m));
    return k;
}

static size_t seal(const ms_auth_key *k, int suite, const ms_packet *p, unsigned char *buf)
{
    size_t n = ms_auth_seal(k, suite, p, TS, nonce, buf, MS_WIRE_MAX_PACKET);
    assert_true(n > 0);
    return n;
}

static ms_auth_result open1(const ms_auth_key *k, const unsigned char *buf, size_t len,
                            ms_packet *out, unsigned char *plain)
{
    ms_auth_info info;
    return ms_auth_open(k, 1, NULL, TS, buf, len, out, &info, plain);
}

#define NEED_SODIUM()                                                                              \
    do {                                                                                           \
        if (!ms_auth_available())                                                                  \
            skip();                                                                                \
    } while (0)

static void test_round_trip(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    unsigned char payload[MS_WIRE_MAX_PAYLOAD];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (unsigned char)(i * 7);
    size_t lens[] = {0, 1, 2, 64, 1023, 1024};
    for (int suite = 1; suite <= 2; suite++) {
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            ms_packet p = example_packet();
            p.target_kind = MS_WIRE_TO_HOST;
            p.target = "hostb";
            p.target_len = 5;
            p.payload = payload;
            p.payload_len = lens[li];
            unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
            size_t n = seal(&k, suite, &p, buf);
            size_t trailer = suite == 1 ? MS_AUTH_TRAILER_HMAC : MS_AUTH_TRAILER_AEAD;
            assert_int_equal(n, MS_WIRE_HEADER + 5 + 7 + lens[li] + 2 + trailer);
            ms_packet out;
            ms_auth_info info;
            assert_int_equal(ms_auth_open(&k, 1, NULL, TS, buf, n, &out, &info, plain), MS_AUTH_OK);
            assert_int_equal(info.suite, suite);
            assert_int_equal(info.key_id, k.id);
            assert_true(info.timestamp == TS);
            assert_int_equal(out.version, suite);
            assert_int_equal(out.target_kind, MS_WIRE_TO_HOST);
            assert_memory_equal(out.target, "hostb", 5);
            assert_memory_equal(out.path, "app\\log", 7);
            assert_true(out.sender == p.sender);
            assert_int_equal(out.seq, 5);
            assert_int_equal(out.payload_len, lens[li]);
            if (lens[li])
                assert_memory_equal(out.payload, payload, lens[li]);
            if (suite == 2 && lens[li] >= 16) /* confidential: not on the wire in clear */
                assert_memory_not_equal(buf + MS_WIRE_HEADER + 12, payload, lens[li]);
        }
    }
    ms_auth_key_clear(&k);
}

static void test_golden_vectors(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k;
    OK(ms_auth_key_init(&k, master));
    assert_int_equal(k.id, GOLDEN_KEY_ID);
    static const unsigned char hmac_subkey[8] = {0xe1, 0xc5, 0x05, 0xa4, 0x84, 0x79, 0x86, 0xa5};
    assert_memory_equal(k.hmac, hmac_subkey, sizeof hmac_subkey);
    ms_packet p = example_packet();
    unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
    size_t n = seal(&k, MS_AUTH_SUITE_HMAC, &p, buf);
    assert_int_equal(n, sizeof golden_hmac);
    assert_memory_equal(buf, golden_hmac, n);
    n = seal(&k, MS_AUTH_SUITE_AEAD, &p, buf);
    assert_int_equal(n, sizeof golden_aead);
    assert_memory_equal(buf, golden_aead, n);
    ms_packet out;
    assert_int_equal(open1(&k, golden_hmac, sizeof golden_hmac, &out, plain), MS_AUTH_OK);
    assert_int_equal(open1(&k, golden_aead, sizeof golden_aead, &out, plain), MS_AUTH_OK);
    assert_memory_equal(out.payload, "hi", 2);
}

/* Changing any bit of any byte of a sealed packet makes it fail. */
static void test_every_mutation_fails(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    for (int suite = 1; suite <= 2; suite++) {
        ms_packet p = example_packet();
        unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
        size_t n = seal(&k, suite, &p, buf);
        for (size_t i = 0; i < n; i++) {
            for (int b = 0; b < 8; b++) {
                buf[i] ^= (unsigned char)(1u << b);
                ms_packet out;
                ms_auth_result r = open1(&k, buf, n, &out, plain);
                if (r == MS_AUTH_OK)
                    fail_msg("suite %d: byte %u bit %d changed, still accepted", suite, (unsigned)i,
                             b);
                buf[i] ^= (unsigned char)(1u << b);
            }
        }
        ms_packet out;
        assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_OK);
        /* Every truncation and every extension fails as well. */
        for (size_t len = 0; len < n; len++)
            assert_int_not_equal(open1(&k, buf, len, &out, plain), MS_AUTH_OK);
        buf[n] = 0;
        assert_int_not_equal(open1(&k, buf, n + 1, &out, plain), MS_AUTH_OK);
    }
}

/* Without the flag, the trailer is gone: keyed receivers drop the packet as
 * not authenticated; a version 2 packet cannot become a version 1 one. */
static void test_flag_stripping_fails(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    ms_packet p = example_packet(), out;
    unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
    size_t n = seal(&k, MS_AUTH_SUITE_HMAC, &p, buf);
    buf[5] = 0; /* the flag alone: the length no longer matches */
    assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_MALFORMED);
    size_t bare = n - 2 - MS_AUTH_TRAILER_HMAC; /* flag and trailer */
    assert_int_equal(open1(&k, buf, bare, &out, plain), MS_AUTH_NO_AUTH);

    n = seal(&k, MS_AUTH_SUITE_AEAD, &p, buf);
    buf[4] = 1; /* version 2 -> 1: suite 2 has no place in version 1 */
    assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_UNKNOWN_SUITE);
    buf[4] = 2;
    buf[5] = 0;
    assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_MALFORMED);
    assert_int_equal(open1(&k, buf, n - 2 - MS_AUTH_TRAILER_AEAD, &out, plain),
                     MS_AUTH_MALFORMED); /* version 2 requires its trailer */
}

/* The trailer of a packet for one slot (or host) on another: the tag fails. */
static void test_reaiming_fails(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    for (int suite = 1; suite <= 2; suite++) {
        ms_packet p = example_packet(), out;
        unsigned char buf[MS_WIRE_MAX_PACKET], again[MS_WIRE_MAX_PACKET];
        unsigned char plain[MS_WIRE_MAX_PAYLOAD];
        size_t n = seal(&k, suite, &p, buf);
        ms_auth_info info;
        assert_int_equal(ms_auth_parse(buf, n, &out, &info), MS_AUTH_OK);
        ms_packet moved[3] = {out, out, out};
        moved[0].path = "app\\audit";
        moved[0].path_len = 9;
        moved[1].target_kind = MS_WIRE_TO_HOST;
        moved[1].target = "hostb";
        moved[1].target_len = 5;
        moved[2].target_kind = MS_WIRE_TO_DOMAIN;
        moved[2].target = "sales";
        moved[2].target_len = 5;
        for (int i = 0; i < 3; i++) {
            size_t m = ms_wire_encode(&moved[i], again, sizeof again);
            assert_true(m > 0);
            assert_int_equal(open1(&k, again, m, &out, plain), MS_AUTH_BAD_TAG);
        }
    }
}

static void test_keys(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0), other = key_of(1);
    assert_int_not_equal(k.id, other.id);
    assert_memory_not_equal(k.hmac, k.aead, 32);
    for (int suite = 1; suite <= 2; suite++) {
        ms_packet p = example_packet(), out;
        unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
        size_t n = seal(&k, suite, &p, buf);
        assert_int_equal(open1(&other, buf, n, &out, plain), MS_AUTH_UNKNOWN_KEY);
        ms_auth_key forged = other; /* a wrong key that claims the right id */
        forged.id = k.id;
        assert_int_equal(open1(&forged, buf, n, &out, plain), MS_AUTH_BAD_TAG);
        ms_auth_key ring[2] = {other, k}; /* a key ring: rotation */
        ms_auth_info info;
        assert_int_equal(ms_auth_open(ring, 2, NULL, TS, buf, n, &out, &info, plain), MS_AUTH_OK);
        assert_int_equal(ms_auth_open(ring, 0, NULL, TS, buf, n, &out, &info, plain),
                         MS_AUTH_UNKNOWN_KEY);
    }
}

/* A tag cut short, with the trailer length adjusted to match: malformed. */
static void test_truncated_tag(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    for (int suite = 1; suite <= 2; suite++) {
        ms_packet p = example_packet(), out;
        unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
        size_t n = seal(&k, suite, &p, buf);
        size_t at = MS_WIRE_HEADER + 7 + 2; /* the trailer length */
        for (size_t cut = 1; cut <= 16; cut++) {
            buf[at + 1] = (unsigned char)(buf[at + 1] - 1);
            assert_int_equal(open1(&k, buf, n - cut, &out, plain), MS_AUTH_MALFORMED);
        }
    }
}

/* Older receivers: a version 1 decoder delivers a suite 1 packet (it skips
 * the trailer) and drops a suite 2 one as another version. A keyed receiver
 * drops plain packets and trailers of unknown suites. */
static void test_older_and_plain_receivers(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    ms_packet p = example_packet(), out;
    unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
    size_t n = seal(&k, MS_AUTH_SUITE_HMAC, &p, buf);
    assert_int_equal(ms_wire_decode(buf, n, &out), MS_WIRE_OK);
    assert_memory_equal(out.payload, "hi", 2);
    n = seal(&k, MS_AUTH_SUITE_AEAD, &p, buf);
    assert_int_equal(ms_wire_decode(buf, n, &out), MS_WIRE_BAD_VERSION);

    n = ms_wire_encode(&p, buf, sizeof buf);
    assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_NO_AUTH);
    unsigned char other[3] = {0x07, 0x01, 0x02};
    p.flags = MS_WIRE_FLAG_TRAILER;
    p.trailer = other;
    p.trailer_len = sizeof other;
    n = ms_wire_encode(&p, buf, sizeof buf);
    assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_UNKNOWN_SUITE);
    other[0] = MS_AUTH_SUITE_HMAC; /* suite 1, wrong length */
    n = ms_wire_encode(&p, buf, sizeof buf);
    assert_int_equal(open1(&k, buf, n, &out, plain), MS_AUTH_MALFORMED);
    p.version = 3;
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
}

/* The receiving order: the replay window and the clock, a forgery costing
 * no state. */
static void test_open_with_replay_window(void **state)
{
    (void)state;
    NEED_SODIUM();
    ms_auth_key k = key_of(0);
    ms_replay r;
    OK(ms_replay_init(&r, 64, 4, MS_REPLAY_TIME_DEFAULT));
    for (int suite = 1; suite <= 2; suite++) {
        ms_packet p = example_packet(), out;
        p.sender += (uint64_t)suite;
        unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
        ms_auth_info info;
        size_t n = seal(&k, suite, &p, buf);
        buf[n - 1] ^= 1; /* forged: checked, not recorded */
        assert_int_equal(ms_auth_open(&k, 1, &r, TS, buf, n, &out, &info, plain), MS_AUTH_BAD_TAG);
        buf[n - 1] ^= 1;
        assert_int_equal(ms_auth_open(&k, 1, &r, TS, buf, n, &out, &info, plain), MS_AUTH_OK);
        assert_int_equal(ms_auth_open(&k, 1, &r, TS, buf, n, &out, &info, plain), MS_AUTH_REPLAY);
        assert_int_equal(info.replay, MS_REPLAY_DUPLICATE);
        assert_int_equal(ms_auth_open(&k, 1, &r, TS + 120001, buf, n, &out, &info, plain),
                         MS_AUTH_STALE);
        assert_int_equal(ms_auth_open(&k, 1, &r, TS - 120001, buf, n, &out, &info, plain),
                         MS_AUTH_FUTURE);
    }
    assert_int_equal(r.live, 2);
    ms_replay_destroy(&r);
}

static void test_without_sodium(void **state)
{
    (void)state;
    if (ms_auth_available())
        skip();
    ms_auth_key k;
    RC(MAILSLOT_E_INVALID, ms_auth_key_init(&k, master));
    assert_non_null(strstr(mailslot_last_error_detail(), "built without libsodium"));
    ms_packet p = example_packet(), out;
    unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
    assert_int_equal(ms_auth_seal(&k, 1, &p, TS, nonce, buf, sizeof buf), 0);
    ms_auth_info info;
    size_t n = ms_wire_encode(&p, buf, sizeof buf);
    assert_int_equal(ms_auth_open(&k, 1, NULL, TS, buf, n, &out, &info, plain),
                     MS_AUTH_UNAVAILABLE);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_golden_vectors),
        cmocka_unit_test(test_every_mutation_fails),
        cmocka_unit_test(test_flag_stripping_fails),
        cmocka_unit_test(test_reaiming_fails),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_truncated_tag),
        cmocka_unit_test(test_older_and_plain_receivers),
        cmocka_unit_test(test_open_with_replay_window),
        cmocka_unit_test(test_without_sodium),
    };
    return MS_RUN_TESTS("auth", tests, setup, NULL);
}
