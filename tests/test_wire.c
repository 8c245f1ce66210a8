/* SPDX-License-Identifier: MIT */
/* test_wire.c -- the network packet format of abi/PROTOCOL.md: golden byte
 * vectors, every rule a receiver checks, and hostile input. */
#include "test_util.h"

#include "net/wire.h"

/* PROTOCOL.md section 6: "hi" from 0102030405060708, sequence 5, to \\*\mailslot\app\log. */
static const unsigned char example[] = {0x4D, 0x53, 0x4C, 0x54, 0x01, 0x00, 0x00, 0x00, 0x00,
                                        0x07, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                        0x07, 0x08, 0x00, 0x00, 0x00, 0x05, 'a',  'p',  'p',
                                        '\\', 'l',  'o',  'g',  'h',  'i'};

/* "x" from FFEEDDCCBBAA9988, sequence 0xFFFFFFFF, to \\workgroup\mailslot\a\b,
 * with a 3-byte trailer. */
static const unsigned char domain_trailer[] = {
    0x4D, 0x53, 0x4C, 0x54, 0x01, 0x01, 0x01, 0x09, 0x00, 0x03, 0x00, 0x01, 0xFF, 0xEE,
    0xDD, 0xCC, 0xBB, 0xAA, 0x99, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 'w',  'o',  'r',  'k',
    'g',  'r',  'o',  'u',  'p',  'a',  '\\', 'b',  'x',  0x00, 0x03, 0xA1, 0xA2, 0xA3};

static ms_packet example_packet(void)
{
    ms_packet p = {.flags = 0,
                   .target_kind = MS_WIRE_TO_ALL,
                   .target = "",
                   .path = "app\\log",
                   .path_len = 7,
                   .sender = 0x0102030405060708ull,
                   .seq = 5,
                   .payload = (const unsigned char *)"hi",
                   .payload_len = 2};
    return p;
}

static void test_golden_example(void **state)
{
    (void)state;
    unsigned char buf[MS_WIRE_MAX_PACKET];
    ms_packet p = example_packet();
    size_t n = ms_wire_encode(&p, buf, sizeof buf);
    assert_int_equal(n, sizeof example);
    assert_memory_equal(buf, example, sizeof example);

    ms_packet d;
    assert_int_equal(ms_wire_decode(example, sizeof example, &d), MS_WIRE_OK);
    assert_int_equal(d.target_kind, MS_WIRE_TO_ALL);
    assert_int_equal(d.target_len, 0);
    assert_int_equal(d.path_len, 7);
    assert_memory_equal(d.path, "app\\log", 7);
    assert_true(d.sender == 0x0102030405060708ull);
    assert_int_equal(d.seq, 5);
    assert_int_equal(d.payload_len, 2);
    assert_memory_equal(d.payload, "hi", 2);
}

static void test_golden_domain_with_trailer(void **state)
{
    (void)state;
    ms_packet p = {.flags = MS_WIRE_FLAG_TRAILER,
                   .target_kind = MS_WIRE_TO_DOMAIN,
                   .target = "workgroup",
                   .target_len = 9,
                   .path = "a\\b",
                   .path_len = 3,
                   .sender = 0xFFEEDDCCBBAA9988ull,
                   .seq = 0xFFFFFFFFu,
                   .payload = (const unsigned char *)"x",
                   .payload_len = 1,
                   .trailer = (const unsigned char *)"\xA1\xA2\xA3",
                   .trailer_len = 3};
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = ms_wire_encode(&p, buf, sizeof buf);
    assert_int_equal(n, sizeof domain_trailer);
    assert_memory_equal(buf, domain_trailer, sizeof domain_trailer);
    ms_packet d;
    assert_int_equal(ms_wire_decode(domain_trailer, sizeof domain_trailer, &d), MS_WIRE_OK);
    assert_int_equal(d.target_len, 9);
    assert_memory_equal(d.target, "workgroup", 9);
    assert_int_equal(d.trailer_len, 3);
    assert_memory_equal(d.trailer, "\xA1\xA2\xA3", 3);
    assert_int_equal(d.seq, 0xFFFFFFFFu);
}

static void test_host_targets_and_limits(void **state)
{
    (void)state;
    unsigned char buf[MS_WIRE_MAX_PACKET], payload[MS_WIRE_MAX_PAYLOAD + 1] = {0};
    ms_packet p = example_packet();
    p.target_kind = MS_WIRE_TO_HOST;
    const char *hosts[] = {"box", "192.0.2.7", "2001:db8::1", "host.example.org"};
    for (size_t i = 0; i < 4; i++) {
        p.target = hosts[i];
        p.target_len = strlen(hosts[i]);
        size_t n = ms_wire_encode(&p, buf, sizeof buf);
        assert_true(n > 0);
        ms_packet d;
        assert_int_equal(ms_wire_decode(buf, n, &d), MS_WIRE_OK);
        assert_memory_equal(d.target, hosts[i], p.target_len);
    }
    /* The largest payload goes, one more byte does not. */
    p.payload = payload;
    p.payload_len = MS_WIRE_MAX_PAYLOAD;
    assert_true(ms_wire_encode(&p, buf, sizeof buf) > 0);
    p.payload_len = MS_WIRE_MAX_PAYLOAD + 1;
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
    /* Zero-length payload. */
    p.payload_len = 0;
    size_t n = ms_wire_encode(&p, buf, sizeof buf);
    ms_packet d;
    assert_int_equal(ms_wire_decode(buf, n, &d), MS_WIRE_OK);
    assert_int_equal(d.payload_len, 0);
    /* Too small a buffer. */
    p = example_packet();
    assert_int_equal(ms_wire_encode(&p, buf, sizeof example - 1), 0);
}

static void test_encoder_refuses_what_receivers_drop(void **state)
{
    (void)state;
    unsigned char buf[MS_WIRE_MAX_PACKET];
    ms_packet p = example_packet();
    p.path = "App\\Log"; /* not canonical */
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
    p = example_packet();
    p.target = "x";
    p.target_len = 1; /* a target with kind "all" */
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
    p = example_packet();
    p.target_kind = MS_WIRE_TO_HOST; /* a host kind with no target */
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
    p = example_packet();
    p.flags = 0x02;
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
    p = example_packet();
    p.flags = MS_WIRE_FLAG_TRAILER; /* with an empty trailer */
    assert_int_equal(ms_wire_encode(&p, buf, sizeof buf), 0);
}

/* Copies the example, changes byte `at` to `value`, and decodes. */
static ms_wire_result mutated(size_t at, unsigned char value)
{
    unsigned char buf[sizeof example];
    memcpy(buf, example, sizeof buf);
    buf[at] = value;
    ms_packet d;
    return ms_wire_decode(buf, sizeof buf, &d);
}

static void test_receiver_rules(void **state)
{
    (void)state;
    assert_int_equal(mutated(0, 'X'), MS_WIRE_BAD_MAGIC);
    assert_int_equal(mutated(4, 2), MS_WIRE_BAD_VERSION);
    assert_int_equal(mutated(4, 0), MS_WIRE_BAD_VERSION);
    assert_int_equal(mutated(5, 0x80), MS_WIRE_BAD_FLAGS);
    assert_int_equal(mutated(6, 3), MS_WIRE_BAD_TARGET);
    assert_int_equal(mutated(6, MS_WIRE_TO_DOMAIN), MS_WIRE_BAD_TARGET); /* T = 0 */
    assert_int_equal(mutated(9, 0), MS_WIRE_BAD_PATH);                   /* P = 0 */
    assert_int_equal(mutated(8, 1), MS_WIRE_BAD_PATH);                   /* P = 263 */
    assert_int_equal(mutated(9, 8), MS_WIRE_BAD_LENGTH);      /* P = 8: longer than the datagram */
    assert_int_equal(mutated(10, 0x04), MS_WIRE_BAD_PAYLOAD); /* L = 1026 */
    assert_int_equal(mutated(11, 3), MS_WIRE_BAD_LENGTH);
    assert_int_equal(mutated(5, MS_WIRE_FLAG_TRAILER), MS_WIRE_BAD_LENGTH);
    assert_int_equal(mutated(24, 'A'), MS_WIRE_BAD_PATH); /* not lower case */
    assert_int_equal(mutated(27, '/'), MS_WIRE_BAD_PATH); /* not the canonical separator */
    assert_int_equal(mutated(25, 0x01), MS_WIRE_BAD_PATH);
    assert_int_equal(mutated(25, 0xFF), MS_WIRE_BAD_PATH);
    assert_int_equal(mutated(25, 0x00), MS_WIRE_BAD_PATH);
    /* The sender id, sequence and payload may hold anything. */
    assert_int_equal(mutated(12, 0xFF), MS_WIRE_OK);
    assert_int_equal(mutated(23, 0xFF), MS_WIRE_OK);
    assert_int_equal(mutated(31, 0x00), MS_WIRE_OK);
}

static void test_every_truncation_and_extension_is_dropped(void **state)
{
    (void)state;
    ms_packet d;
    for (size_t n = 0; n < sizeof example; n++)
        assert_int_not_equal(ms_wire_decode(example, n, &d), MS_WIRE_OK);
    unsigned char longer[sizeof example + 1];
    memcpy(longer, example, sizeof example);
    longer[sizeof example] = 0;
    assert_int_equal(ms_wire_decode(longer, sizeof longer, &d), MS_WIRE_BAD_LENGTH);
    for (size_t n = 0; n < sizeof domain_trailer; n++)
        assert_int_not_equal(ms_wire_decode(domain_trailer, n, &d), MS_WIRE_OK);
}

static void test_every_byte_mutation_is_safe(void **state)
{
    (void)state;
    /* Each byte of both vectors set to each value: decode never misbehaves
     * (the sanitizer and valgrind runs watch), and a packet it accepts
     * encodes back to the same bytes. */
    const unsigned char *vectors[] = {example, domain_trailer};
    size_t sizes[] = {sizeof example, sizeof domain_trailer};
    for (int v = 0; v < 2; v++) {
        unsigned char buf[64], again[MS_WIRE_MAX_PACKET];
        for (size_t at = 0; at < sizes[v]; at++) {
            for (int value = 0; value < 256; value++) {
                memcpy(buf, vectors[v], sizes[v]);
                buf[at] = (unsigned char)value;
                ms_packet d;
                if (ms_wire_decode(buf, sizes[v], &d) != MS_WIRE_OK)
                    continue;
                size_t n = ms_wire_encode(&d, again, sizeof again);
                assert_int_equal(n, sizes[v]);
                assert_memory_equal(again, buf, n);
            }
        }
    }
}

static void test_domain_groups(void **state)
{
    (void)state;
    /* PROTOCOL.md section 5: workgroup -> 0x03688543 -> 239.255.133.67. */
    assert_int_equal(ms_wire_domain_group("workgroup", 9), 0xEFFF8543u);
    /* d110 hashes to 0x910F4D9F: X = 77 moves to 78. */
    assert_int_equal(ms_wire_domain_group("d110", 4), 0xEFFF4E9Fu);
    assert_int_equal(MS_WIRE_GROUP_ALL, 0xEFFF4D53u);
}

static void test_result_texts(void **state)
{
    (void)state;
    for (int r = MS_WIRE_OK; r <= MS_WIRE_BAD_TRAILER; r++)
        assert_string_not_equal(ms_wire_result_text((ms_wire_result)r), "unknown result");
    assert_string_equal(ms_wire_result_text((ms_wire_result)99), "unknown result");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_example),
        cmocka_unit_test(test_golden_domain_with_trailer),
        cmocka_unit_test(test_host_targets_and_limits),
        cmocka_unit_test(test_encoder_refuses_what_receivers_drop),
        cmocka_unit_test(test_receiver_rules),
        cmocka_unit_test(test_every_truncation_and_extension_is_dropped),
        cmocka_unit_test(test_every_byte_mutation_is_safe),
        cmocka_unit_test(test_domain_groups),
        cmocka_unit_test(test_result_texts),
    };
    return MS_RUN_TESTS("wire", tests, NULL, NULL);
}
