/* SPDX-License-Identifier: MIT */
/* test_bridge.c -- the subjects of `mailslot bridge` and the checks of what
 * arrives from the broker (PROTOCOL.md section 10), hostile names included. */
#include "test_util.h"

#include "net/bridge.h"

#include <string.h>

/* Encodes a packet to (kind, target, path) with payload "hi" into buf. */
static size_t packet(int kind, const char *target, const char *path, unsigned char *buf, size_t cap)
{
    ms_packet p = {.target_kind = (uint8_t)kind,
                   .target = target,
                   .target_len = strlen(target),
                   .path = path,
                   .path_len = strlen(path),
                   .sender = 42,
                   .seq = 7,
                   .payload = (const unsigned char *)"hi",
                   .payload_len = 2};
    size_t n = ms_wire_encode(&p, buf, cap);
    assert_true(n > 0);
    return n;
}

static void subject_of(int kind, const char *target, const char *path, char *subject)
{
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = packet(kind, target, path, buf, sizeof buf);
    ms_packet p;
    assert_int_equal(ms_wire_decode(buf, n, &p), MS_WIRE_OK);
    assert_true(ms_bridge_subject(&p, subject, MS_BRIDGE_SUBJECT_MAX + 1) > 0);
}

static int only_workgroup(const char *domain, void *ctx)
{
    (void)ctx;
    return strcmp(domain, "workgroup") == 0 || strcmp(domain, "corp.example") == 0;
}

static void test_subjects(void **state)
{
    (void)state;
    char s[MS_BRIDGE_SUBJECT_MAX + 1];
    subject_of(MS_WIRE_TO_ALL, "", "logger", s);
    assert_string_equal(s, "ms.v1.a._.logger");
    subject_of(MS_WIRE_TO_ALL, "", "app\\log", s);
    assert_string_equal(s, "ms.v1.a._.app%5clog");
    subject_of(MS_WIRE_TO_DOMAIN, "corp.example", "a-b_c", s);
    assert_string_equal(s, "ms.v1.d.corp%2eexample.a-b%5fc");
    assert_true(ms_bridge_subscription(NULL, s, sizeof s) > 0);
    assert_string_equal(s, "ms.v1.a._.*");
    assert_true(ms_bridge_subscription("corp.example", s, sizeof s) > 0);
    assert_string_equal(s, "ms.v1.d.corp%2eexample.*");
    /* Too small a buffer: 0, never a cut subject. */
    assert_int_equal(ms_bridge_subscription("corp.example", s, 10), 0);
}

/* Slot names that mean something to NATS or to its protocol: each becomes
 * one token of plain characters, and comes back as the same name. */
static void test_hostile_slot_names(void **state)
{
    (void)state;
    static const char *const hostile[] = {
        "a b",
        "a\tb",
        "a.b",
        "*",
        ">",
        "a\\>",
        "%",
        "%5c",
        "_",
        "a\\*\\b",
        "\xc3\xa9t\xc3\xa9",
        "a\r\nb",
        "ms.v1.a._.x",
        "reply inbox.x",
        "UPPER",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        /* A name the wire refuses (control characters) is not a packet at
         * all; the rest must encode to plain subjects. */
        ms_packet p = {.target_kind = MS_WIRE_TO_ALL,
                       .target = "",
                       .path = hostile[i],
                       .path_len = strlen(hostile[i]),
                       .payload = (const unsigned char *)"",
                       .payload_len = 0};
        unsigned char buf[MS_WIRE_MAX_PACKET];
        size_t n = ms_wire_encode(&p, buf, sizeof buf);
        if (n == 0)
            continue;
        char s[MS_BRIDGE_SUBJECT_MAX + 1];
        ms_packet d;
        assert_int_equal(ms_wire_decode(buf, n, &d), MS_WIRE_OK);
        assert_true(ms_bridge_subject(&d, s, sizeof s) > 0);
        const char *slot = s + strlen("ms.v1.a._.");
        for (const char *c = slot; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
                        *c == '%');
        ms_packet back;
        assert_int_equal(ms_bridge_check(s, buf, n, only_workgroup, NULL, &back), MS_BRIDGE_OK);
        assert_int_equal(back.path_len, d.path_len);
        assert_memory_equal(back.path, d.path, d.path_len);
    }
}

static void test_longest_names_fit(void **state)
{
    (void)state;
    char target[MS_WIRE_MAX_TARGET + 1], path[MS_WIRE_MAX_PATH + 1];
    for (size_t i = 0; i < MS_WIRE_MAX_TARGET; i++) /* a host name: a_a_...a */
        target[i] = i % 2 ? '_' : 'a';
    target[MS_WIRE_MAX_TARGET] = '\0';
    for (size_t i = 0; i < MS_WIRE_MAX_PATH; i++)
        path[i] = i % 2 ? '\\' : '_';
    path[MS_WIRE_MAX_PATH - 1] = '_';
    path[MS_WIRE_MAX_PATH] = '\0';
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = packet(MS_WIRE_TO_DOMAIN, target, path, buf, sizeof buf);
    ms_packet p;
    assert_int_equal(ms_wire_decode(buf, n, &p), MS_WIRE_OK);
    char s[MS_BRIDGE_SUBJECT_MAX + 1];
    /* "ms.v1.d." + 127 'a' and 126 "%5f" + "." + 255 bytes, each "%5f" or "%5c" */
    size_t expect = 8 + 127 + 3 * 126 + 1 + 3 * MS_WIRE_MAX_PATH;
    assert_true(expect <= MS_BRIDGE_SUBJECT_MAX);
    assert_int_equal(ms_bridge_subject(&p, s, sizeof s), expect);
    assert_int_equal(ms_bridge_subject(&p, s, expect), 0); /* no room for the NUL */
    ms_packet back;
    assert_int_equal(ms_bridge_check(s, buf, n, only_workgroup, NULL, &back),
                     MS_BRIDGE_NOT_BRIDGED);
}

static void test_host_datagrams_are_not_bridged(void **state)
{
    (void)state;
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = packet(MS_WIRE_TO_HOST, "host1", "logger", buf, sizeof buf);
    ms_packet p;
    assert_int_equal(ms_wire_decode(buf, n, &p), MS_WIRE_OK);
    char s[MS_BRIDGE_SUBJECT_MAX + 1];
    assert_int_equal(ms_bridge_subject(&p, s, sizeof s), 0);
    /* Nor taken from the broker, whatever the subject says. */
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", buf, n, only_workgroup, NULL, &p),
                     MS_BRIDGE_HOST_TARGET);
}

/* Subjects that are not the one encoding of a slot: each is refused. */
static void test_bad_subjects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "ms.v1.a._",
        "ms.v1.a._.",
        "ms.v2.a._.logger",
        "ms.v1.x._.logger",
        "ms.v1.a.workgroup.logger", /* "every host" has no domain */
        "ms.v1.d._.logger",         /* "_" is no domain's encoding */
        "ms.v1.d..logger",
        "ms.v1.a._.logger.x",  /* six tokens */
        "ms.v1.a._.Logger",    /* upper case is not canonical */
        "ms.v1.a._.log%67er",  /* a plain byte escaped */
        "ms.v1.a._.app%5Clog", /* upper-case hex */
        "ms.v1.a._.app%5",     /* cut short */
        "ms.v1.a._.app%zz",
        "ms.v1.a._.a b",
        "ms.v1.a._.*",
        "ms.v1.a._.>",
        "MS.v1.a._.logger",
    };
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = packet(MS_WIRE_TO_ALL, "", "logger", buf, sizeof buf);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ms_packet p;
        assert_int_equal(ms_bridge_check(bad[i], buf, n, only_workgroup, NULL, &p),
                         MS_BRIDGE_BAD_SUBJECT);
    }
}

/* A subject may not move a datagram: another slot, kind or domain than the
 * datagram's own is refused, as is a domain this bridge does not carry. */
static void test_subject_must_match(void **state)
{
    (void)state;
    unsigned char all[MS_WIRE_MAX_PACKET], dom[MS_WIRE_MAX_PACKET], other[MS_WIRE_MAX_PACKET];
    size_t na = packet(MS_WIRE_TO_ALL, "", "app\\log", all, sizeof all);
    size_t nd = packet(MS_WIRE_TO_DOMAIN, "workgroup", "logger", dom, sizeof dom);
    size_t no = packet(MS_WIRE_TO_DOMAIN, "sales", "logger", other, sizeof other);
    ms_packet p;
    assert_int_equal(ms_bridge_check("ms.v1.a._.app%5clog", all, na, only_workgroup, NULL, &p),
                     MS_BRIDGE_OK);
    assert_int_equal(ms_bridge_check("ms.v1.a._.app%5clo", all, na, only_workgroup, NULL, &p),
                     MS_BRIDGE_SUBJECT_LIES);
    assert_int_equal(
        ms_bridge_check("ms.v1.d.workgroup.app%5clog", all, na, only_workgroup, NULL, &p),
        MS_BRIDGE_SUBJECT_LIES);
    assert_int_equal(ms_bridge_check("ms.v1.d.workgroup.logger", dom, nd, only_workgroup, NULL, &p),
                     MS_BRIDGE_OK);
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", dom, nd, only_workgroup, NULL, &p),
                     MS_BRIDGE_SUBJECT_LIES);
    assert_int_equal(ms_bridge_check("ms.v1.d.sales.logger", other, no, only_workgroup, NULL, &p),
                     MS_BRIDGE_NOT_BRIDGED);
    assert_int_equal(
        ms_bridge_check("ms.v1.d.workgroup.logger", other, no, only_workgroup, NULL, &p),
        MS_BRIDGE_SUBJECT_LIES);
}

static void test_garbage_payloads(void **state)
{
    (void)state;
    unsigned char buf[MS_WIRE_MAX_PACKET + 64];
    size_t n = packet(MS_WIRE_TO_ALL, "", "logger", buf, sizeof buf);
    ms_packet p;
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", buf, n - 1, only_workgroup, NULL, &p),
                     MS_BRIDGE_BAD_PACKET);
    buf[n] = 0;
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", buf, n + 1, only_workgroup, NULL, &p),
                     MS_BRIDGE_BAD_PACKET);
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", (const unsigned char *)"garbage", 7,
                                     only_workgroup, NULL, &p),
                     MS_BRIDGE_BAD_PACKET);
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", buf, 0, only_workgroup, NULL, &p),
                     MS_BRIDGE_BAD_PACKET);
    memset(buf, 0xAB, sizeof buf);
    assert_int_equal(ms_bridge_check("ms.v1.a._.logger", buf, sizeof buf, only_workgroup, NULL, &p),
                     MS_BRIDGE_BAD_PACKET);
    assert_string_equal(ms_bridge_result_text(MS_BRIDGE_SUBJECT_LIES),
                        "subject does not match the datagram");
}

static void test_marker(void **state)
{
    (void)state;
    assert_int_equal(ms_bridge_marked(17317, 17317), 1);
    assert_int_equal(ms_bridge_marked(40000, 17317), 0);
    assert_int_equal(ms_bridge_marked(17318, 17317), 0);
}

/* Records come back in order, each as long as what was added, tags
 * included; an empty one too. */
static void test_batch_keeps_records(void **state)
{
    (void)state;
    unsigned char buf[64];
    ms_bridge_batch b;
    ms_bridge_batch_init(&b, buf, sizeof buf);
    assert_int_equal(ms_bridge_batch_add(&b, 1, "alpha", 5, 0), 1);
    assert_int_equal(ms_bridge_batch_add(&b, 2, NULL, 0, 0), 1);
    assert_int_equal(ms_bridge_batch_add(&b, 3, "be", 2, 0), 1);
    assert_int_equal(b.n, 3);
    assert_int_equal(b.used, 3 * MS_BRIDGE_RECORD_HEADER + 7);
    const char *want[] = {"alpha", "", "be"};
    size_t at = 0, len;
    unsigned char tag;
    const unsigned char *d;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ms_bridge_batch_next(&b, &at, &tag, &d, &len), 1);
        assert_int_equal(tag, i + 1);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(d, want[i], len);
    }
    assert_int_equal(ms_bridge_batch_next(&b, &at, &tag, &d, &len), 0);
    ms_bridge_batch_clear(&b);
    at = 0;
    assert_int_equal(b.n, 0);
    assert_int_equal(ms_bridge_batch_next(&b, &at, &tag, &d, &len), 0);
}

/* A record that does not fit is refused whole and the batch is unchanged;
 * room kept over refuses what would eat into it, but not what fits with
 * nothing kept. The longest record is what two bytes of length can say. */
static void test_batch_full_and_kept_room(void **state)
{
    (void)state;
    unsigned char buf[2 * MS_BRIDGE_RECORD_HEADER + 10];
    unsigned char data[16] = {0};
    ms_bridge_batch b;
    ms_bridge_batch_init(&b, buf, sizeof buf);
    assert_int_equal(ms_bridge_batch_fits(&b, 10 + MS_BRIDGE_RECORD_HEADER), 1);
    assert_int_equal(ms_bridge_batch_fits(&b, 11 + MS_BRIDGE_RECORD_HEADER), 0);
    assert_int_equal(ms_bridge_batch_add(&b, 0, data, 6, 0), 1);
    /* 7 bytes left: 4 of data fit, but not with 1 kept over */
    assert_int_equal(ms_bridge_batch_add(&b, 0, data, 4, 1), 0);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.used, MS_BRIDGE_RECORD_HEADER + 6);
    assert_int_equal(ms_bridge_batch_add(&b, 0, data, 5, 0), 0);
    assert_int_equal(ms_bridge_batch_add(&b, 0, data, 4, 0), 1);
    assert_int_equal(b.used, sizeof buf);
    assert_int_equal(ms_bridge_batch_fits(&b, 0), 0);
    assert_int_equal(ms_bridge_batch_add(&b, 0, NULL, 0, 0), 0);
    assert_int_equal(b.n, 2);

    static unsigned char big[MS_BRIDGE_RECORD_MAX + 1 + MS_BRIDGE_RECORD_HEADER];
    static unsigned char record[MS_BRIDGE_RECORD_MAX + 1]; /* apart: memcpy must not overlap */
    ms_bridge_batch_init(&b, big, sizeof big);
    assert_int_equal(ms_bridge_batch_add(&b, 0, record, MS_BRIDGE_RECORD_MAX + 1, 0), 0);
    assert_int_equal(ms_bridge_batch_add(&b, 7, record, MS_BRIDGE_RECORD_MAX, 0), 1);
    size_t at = 0, len;
    unsigned char tag;
    const unsigned char *d;
    assert_int_equal(ms_bridge_batch_next(&b, &at, &tag, &d, &len), 1);
    assert_int_equal(len, MS_BRIDGE_RECORD_MAX);
    assert_int_equal(tag, 7);
}

/* The hand-over rule (ms_bridge_due), with the clock and the count pending
 * given: nothing goes while nothing waits; a lone datagram goes at once;
 * while more are pending, a batch waits for them until its oldest has
 * waited MS_BRIDGE_MAX_WAIT_NS, or it is full. */
static void test_due_rule(void **state)
{
    (void)state;
    const int64_t t = 1000000000, max = MS_BRIDGE_MAX_WAIT_NS;
    assert_int_equal(ms_bridge_due(0, 0, t, 0, 0), 0);  /* nothing waits */
    assert_int_equal(ms_bridge_due(0, 0, t, 5, 1), 0);  /* not even when "full" */
    assert_int_equal(ms_bridge_due(1, t, t, 0, 0), 1);  /* a lone one: at once */
    assert_int_equal(ms_bridge_due(1, t, t, -1, 0), 1); /* pending unknown: as none */
    assert_int_equal(ms_bridge_due(3, t, t, 1, 0), 0);  /* more coming: wait for it */
    assert_int_equal(ms_bridge_due(3, t, t + max - 1, 1000, 0), 0);
    assert_int_equal(ms_bridge_due(3, t, t + max, 1000, 0), 1); /* waited long enough */
    assert_int_equal(ms_bridge_due(3, t, t + 50 * max, 1, 0), 1);
    assert_int_equal(ms_bridge_due(3, t, t, 1000, 1), 1); /* full */
    /* A stamp taken a moment after now (another thread's clock read) is no
     * wait at all, not a wait of ages. */
    assert_int_equal(ms_bridge_due(3, t + 10, t, 1, 0), 0);
}

/* A steady stream that never leaves the source empty: a record every 20 us
 * (50,000 a second), always one more pending. The batch goes when its
 * oldest has waited MS_BRIDGE_MAX_WAIT_NS, not when it is full (which
 * would take a thousand records of 64 bytes); the next batch's age counts
 * from its own first record. */
static void test_batch_due_bounds_the_wait(void **state)
{
    (void)state;
    static unsigned char buf[64 * 1024];
    unsigned char datagram[64] = {0};
    ms_bridge_batch b;
    ms_bridge_batch_init(&b, buf, sizeof buf);
    const int64_t start = 5000000, step = 20000;
    int64_t now = start;
    assert_int_equal(ms_bridge_batch_due(&b, now, 0), 0); /* empty */
    size_t handed = 0, batches = 0;
    for (int i = 0; i < 100; i++, now += step) {
        assert_int_equal(ms_bridge_batch_add_at(&b, now, 0, datagram, sizeof datagram, 0), 1);
        if (b.n == 1)
            assert_true(b.first == now);
        if (ms_bridge_batch_due(&b, now, 1)) {
            assert_true(now - b.first >= MS_BRIDGE_MAX_WAIT_NS);
            assert_true(now - b.first < MS_BRIDGE_MAX_WAIT_NS + step);
            handed += b.n;
            batches++;
            ms_bridge_batch_clear(&b);
            assert_int_equal(b.n, 0);
        }
    }
    assert_int_equal(batches, 100 / (MS_BRIDGE_MAX_WAIT_NS / step + 1));
    assert_int_equal(handed + b.n, 100);
    /* The source runs dry: what is left goes at once, however young. */
    assert_true(b.n > 0);
    assert_int_equal(ms_bridge_batch_due(&b, b.first, 0), 1);

    /* Full: a batch that may not take the largest datagram goes, young or not. */
    /* room for the largest after one record of 8 bytes, not after two */
    static unsigned char small[MS_WIRE_MAX_PACKET + 2 * MS_BRIDGE_RECORD_HEADER + 8 + 5];
    ms_bridge_batch_init(&b, small, sizeof small);
    assert_int_equal(ms_bridge_batch_add_at(&b, start, 0, datagram, 8, 0), 1);
    assert_int_equal(ms_bridge_batch_due(&b, start, 1), 0);
    assert_int_equal(ms_bridge_batch_add_at(&b, start + 1, 0, datagram, 8, 0), 1);
    assert_true(b.first == start); /* the first record's time stays */
    assert_int_equal(ms_bridge_batch_due(&b, start + 1, 1), 1);
    /* A refused record does not stamp an empty batch. */
    ms_bridge_batch_clear(&b);
    assert_int_equal(ms_bridge_batch_add_at(&b, start, 0, datagram, sizeof small, 0), 0);
    assert_true(b.first == 0);
    assert_int_equal(ms_bridge_batch_due(&b, start + 50 * MS_BRIDGE_MAX_WAIT_NS, 0), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subjects),
        cmocka_unit_test(test_hostile_slot_names),
        cmocka_unit_test(test_longest_names_fit),
        cmocka_unit_test(test_host_datagrams_are_not_bridged),
        cmocka_unit_test(test_bad_subjects),
        cmocka_unit_test(test_subject_must_match),
        cmocka_unit_test(test_garbage_payloads),
        cmocka_unit_test(test_marker),
        cmocka_unit_test(test_batch_keeps_records),
        cmocka_unit_test(test_batch_full_and_kept_room),
        cmocka_unit_test(test_due_rule),
        cmocka_unit_test(test_batch_due_bounds_the_wait),
    };
    return MS_RUN_TESTS("bridge", tests, NULL, NULL);
}
