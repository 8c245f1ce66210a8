/* SPDX-License-Identifier: MIT */
/* test_legacy.c -- the remote-mailslot datagrams of Windows hosts
 * (src/net/legacy.c), against datagrams built here byte by byte from RFC
 * 1002 section 4.4 and [MS-MAIL], as a Windows writer sends them. */
#include "test_util.h"

#include "net/legacy.h"

/* "WORKGROUP" and "SENDER" as NetBIOS names with suffix 00, first-level
 * encoded (RFC 1001 section 14.1): 'A' + each nibble, spaces are "CA". */
static const char workgroup_00[] = "FHEPFCELEHFCEPFFFACACACACACACAAA";
static const char sender_00[] = "FDEFEOEEEFFCCACACACACACACACACAAA";
static const char slot[] = "\\MAILSLOT\\logger";
static const char data[] = "hello, world";

/* The datagram a Windows host named SENDER at 192.0.2.10 sends when a
 * program writes "hello, world" to \\WORKGROUP\mailslot\logger. */
static size_t windows_datagram(unsigned char *p)
{
    size_t slot_len = sizeof slot - 1, data_len = sizeof data - 1;
    size_t smb_len = 32 + 1 + 34 + 2 + slot_len + 1 + data_len;
    size_t len = 14 + 34 + 34 + smb_len;
    memset(p, 0, len);
    p[0] = 0x11;              /* direct group */
    p[1] = 0x0A;              /* first fragment, M node */
    p[2] = 0x12, p[3] = 0x34; /* datagram id */
    p[4] = 192, p[5] = 0, p[6] = 2, p[7] = 10;
    p[8] = 0, p[9] = 138; /* source port */
    p[10] = (unsigned char)((len - 14) >> 8), p[11] = (unsigned char)(len - 14);
    /* p[12..13]: packet offset 0 */
    p[14] = 0x20;
    memcpy(p + 15, sender_00, 32); /* p[47] = 0: no scope */
    p[48] = 0x20;
    memcpy(p + 49, workgroup_00, 32); /* p[81] = 0 */
    unsigned char *smb = p + 82;
    smb[0] = 0xFF, smb[1] = 'S', smb[2] = 'M', smb[3] = 'B';
    smb[4] = 0x25; /* TRANSACTION; status .. MID stay 0 */
    smb[32] = 17;  /* word count */
    unsigned char *w = smb + 33;
    w[2] = (unsigned char)data_len;  /* total data count */
    w[22] = (unsigned char)data_len; /* data count */
    size_t offset = 32 + 1 + 34 + 2 + slot_len + 1;
    w[24] = (unsigned char)offset;                      /* data offset from the SMB header */
    w[26] = 3;                                          /* setup count */
    w[28] = 1;                                          /* write mailslot */
    w[30] = 1;                                          /* priority */
    w[32] = 2;                                          /* class 2 */
    smb[67] = (unsigned char)(slot_len + 1 + data_len); /* byte count */
    memcpy(smb + 69, slot, slot_len);
    memcpy(smb + offset, data, data_len);
    return len;
}

static ms_legacy_datagram our_datagram(void)
{
    ms_legacy_datagram d = {.type = MS_LEGACY_DIRECT_GROUP,
                            .flags = MS_LEGACY_FLAG_FIRST | MS_LEGACY_NODE_M,
                            .id = 0x1234,
                            .source_ip = 0xC000020Au,
                            .source_port = MS_LEGACY_PORT,
                            .priority = 1,
                            .mailslot = slot,
                            .mailslot_len = sizeof slot - 1,
                            .data = (const unsigned char *)data,
                            .data_len = sizeof data - 1};
    assert_int_equal(ms_legacy_name_make("sender", 6, 0x00, &d.source), 0);
    assert_int_equal(ms_legacy_name_make("WorkGroup", 9, 0x00, &d.destination), 0);
    return d;
}

static void test_encode_is_what_windows_sends(void **state)
{
    (void)state;
    unsigned char want[MS_LEGACY_MAX_DATAGRAM], got[MS_LEGACY_MAX_DATAGRAM];
    size_t want_len = windows_datagram(want);
    ms_legacy_datagram d = our_datagram();
    assert_int_equal(ms_legacy_encode(&d, got, sizeof got), want_len);
    assert_memory_equal(got, want, want_len);
}

static void test_decode_every_field(void **state)
{
    (void)state;
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len = windows_datagram(buf);
    ms_legacy_datagram d;
    assert_int_equal(ms_legacy_decode(buf, len, &d), MS_LEGACY_OK);
    assert_int_equal(d.type, 0x11);
    assert_int_equal(d.flags, 0x0A);
    assert_int_equal(d.id, 0x1234);
    assert_int_equal(d.source_ip, 0xC000020Au);
    assert_int_equal(d.source_port, 138);
    assert_string_equal(d.source.chars, "SENDER         ");
    assert_int_equal(d.source.suffix, 0x00);
    assert_string_equal(d.destination.chars, "WORKGROUP      ");
    assert_int_equal(d.destination.suffix, 0x00);
    assert_int_equal(d.priority, 1);
    assert_int_equal(d.mailslot_len, sizeof slot - 1);
    assert_memory_equal(d.mailslot, slot, sizeof slot - 1);
    assert_int_equal(d.data_len, sizeof data - 1);
    assert_memory_equal(d.data, data, sizeof data - 1);
}

/* A browser announcement to WORKGROUP<1D>, as nmbd sends it, decodes with
 * its suffix; an empty write is a write too. */
static void test_decode_suffix_and_empty_data(void **state)
{
    (void)state;
    ms_legacy_datagram d = our_datagram();
    d.destination.suffix = MS_LEGACY_SUFFIX_MASTER_BROWSER;
    d.type = MS_LEGACY_BROADCAST;
    d.data_len = 0;
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len = ms_legacy_encode(&d, buf, sizeof buf);
    assert_true(len > 0);
    ms_legacy_datagram out;
    assert_int_equal(ms_legacy_decode(buf, len, &out), MS_LEGACY_OK);
    assert_int_equal(out.type, MS_LEGACY_BROADCAST);
    assert_int_equal(out.destination.suffix, 0x1D);
    assert_true(ms_legacy_name_equal(&out.destination, &d.destination));
    assert_int_equal(out.data_len, 0);
}

/* Every cut short of the whole datagram is refused. */
static void test_every_truncation_refused(void **state)
{
    (void)state;
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len = windows_datagram(buf);
    ms_legacy_datagram d;
    for (size_t cut = 0; cut < len; cut++)
        if (ms_legacy_decode(buf, cut, &d) == MS_LEGACY_OK)
            fail_msg("a datagram cut to %zu of %zu bytes was taken", cut, len);
    /* Bytes after the datagram's own length (padding) are not data. */
    buf[len] = 'x';
    assert_int_equal(ms_legacy_decode(buf, len + 1, &d), MS_LEGACY_OK);
    assert_int_equal(d.data_len, sizeof data - 1);
}

/* One field changed: the result names what is wrong. */
typedef struct variant {
    const char *what;
    size_t at;
    unsigned char value;
    ms_legacy_result want;
} variant;

static void test_malformed_variants(void **state)
{
    (void)state;
    const size_t smb = 82, words = 82 + 33;
    const variant v[] = {
        {"name query packet type", 0, 0x20, MS_LEGACY_NOT_DATAGRAM},
        {"datagram error type", 0, 0x13, MS_LEGACY_NOT_DATAGRAM},
        {"more fragments", 1, 0x0B, MS_LEGACY_FRAGMENT},
        {"not the first fragment", 1, 0x08, MS_LEGACY_FRAGMENT},
        {"a packet offset", 13, 0x40, MS_LEGACY_FRAGMENT},
        {"datagram length past the end", 10, 0x7F, MS_LEGACY_SHORT},
        {"source name length", 14, 0x21, MS_LEGACY_BAD_NAME},
        {"a letter past P", 20, 'Q', MS_LEGACY_BAD_NAME},
        {"a scope after the destination", 81, 0x03, MS_LEGACY_SCOPED},
        {"not SMB", smb + 1, 's', MS_LEGACY_NOT_TRANSACTION},
        {"command other than 0x25", smb + 4, 0x32, MS_LEGACY_NOT_TRANSACTION},
        {"word count 14", smb + 32, 14, MS_LEGACY_BAD_WORDS},
        {"setup count 2", words + 26, 2, MS_LEGACY_BAD_WORDS},
        {"opcode 2", words + 28, 2, MS_LEGACY_NOT_MAILSLOT},
        {"data offset past the end", words + 24, 0xF0, MS_LEGACY_BAD_DATA},
        {"data offset inside the name", words + 24, 75, MS_LEGACY_BAD_DATA},
        {"data count over total", words + 22, 40, MS_LEGACY_BAD_DATA},
        {"byte count past the end", smb + 68, 0x01, MS_LEGACY_SHORT},
        {"not under \\MAILSLOT\\", smb + 70, 'X', MS_LEGACY_NOT_MAILSLOT},
        {"no end to the name", smb + 67, 5, MS_LEGACY_BAD_DATA},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
        size_t len = windows_datagram(buf);
        buf[v[i].at] = v[i].value;
        ms_legacy_datagram d;
        ms_legacy_result r = ms_legacy_decode(buf, len, &d);
        if (r != v[i].want)
            fail_msg("%s: got %s, want %s", v[i].what, ms_legacy_result_text(r),
                     ms_legacy_result_text(v[i].want));
    }
}

static void test_names(void **state)
{
    (void)state;
    ms_legacy_name n, m;
    assert_int_equal(ms_legacy_name_make("box-1", 5, 0x20, &n), 0);
    assert_string_equal(n.chars, "BOX-1          ");
    assert_int_equal(n.suffix, 0x20);
    assert_int_equal(ms_legacy_name_make("ABCDEFGHIJKLMNO", 15, 0, &n), 0);
    assert_int_equal(ms_legacy_name_make("ABCDEFGHIJKLMNOP", 16, 0, &n), -1);
    assert_int_equal(ms_legacy_name_make("", 0, 0, &n), -1);
    assert_int_equal(ms_legacy_name_make("box.example", 11, 0, &n), -1);
    assert_int_equal(ms_legacy_name_make("b\xc3\xa4r", 4, 0, &n), -1);
    assert_int_equal(ms_legacy_name_make("a\\b", 3, 0, &n), -1);
    assert_int_equal(ms_legacy_name_make("Box", 3, 0, &n), 0);
    assert_int_equal(ms_legacy_name_make("BOX", 3, 0, &m), 0);
    assert_true(ms_legacy_name_equal(&n, &m));
    m.suffix = 0x1D;
    assert_false(ms_legacy_name_equal(&n, &m));
}

static void test_host_names(void **state)
{
    (void)state;
    ms_legacy_name n;
    /* The first label of the host name, cut to 15, upper case. */
    assert_int_equal(ms_legacy_host_name("", "build-box.example.org", 0x00, &n), 0);
    assert_string_equal(n.chars, "BUILD-BOX      ");
    assert_int_equal(n.suffix, 0x00);
    assert_int_equal(ms_legacy_host_name("", "a-rather-long-host-name", 0x20, &n), 0);
    assert_string_equal(n.chars, "A-RATHER-LONG-H");
    assert_int_equal(n.suffix, 0x20);
    /* A configured name wins over the host name. */
    assert_int_equal(ms_legacy_host_name("LOGHOST", "build-box", 0x00, &n), 0);
    assert_string_equal(n.chars, "LOGHOST        ");
    /* No name can be made: the caller says so. */
    assert_int_equal(ms_legacy_host_name("", "", 0x00, &n), -1);
    assert_int_equal(ms_legacy_host_name("", ".example", 0x00, &n), -1);
    assert_int_equal(ms_legacy_host_name("", "b*x", 0x00, &n), -1);
}

static void test_paths(void **state)
{
    (void)state;
    char path[32];
    const char *a = "\\MAILSLOT\\Logger\\Sub";
    assert_int_equal(ms_legacy_path(a, strlen(a), path, sizeof path), 10);
    assert_string_equal(path, "logger\\sub");
    const char *b = "\\mailslot\\browse";
    assert_int_equal(ms_legacy_path(b, strlen(b), path, sizeof path), 6);
    assert_string_equal(path, "browse");
    const char *c = "\\MAILSLOT\\";
    assert_int_equal(ms_legacy_path(c, strlen(c), path, sizeof path), 0);
    const char *d = "\\PIPE\\x";
    assert_int_equal(ms_legacy_path(d, strlen(d), path, sizeof path), 0);
    const char *e = "\\MAILSLOT\\b\xe4r";
    assert_int_equal(ms_legacy_path(e, strlen(e), path, sizeof path), 0);
    assert_int_equal(ms_legacy_path(a, strlen(a), path, 10), 0); /* does not fit */
}

static void test_encode_limits(void **state)
{
    (void)state;
    unsigned char big[MS_LEGACY_MAX_DATA + 1] = {0}, buf[MS_LEGACY_MAX_DATAGRAM];
    ms_legacy_datagram d = our_datagram();
    d.data = big;
    d.data_len = MS_LEGACY_MAX_DATA;
    size_t len = ms_legacy_encode(&d, buf, sizeof buf);
    assert_true(len > 0 && len <= MS_LEGACY_MAX_DATAGRAM);
    d.data_len = MS_LEGACY_MAX_DATA + 1;
    assert_int_equal(ms_legacy_encode(&d, buf, sizeof buf), 0);
    /* 443 bytes of name, its 0 and data fill the 512 bytes of user data. */
    char name[64] = "\\MAILSLOT\\";
    memset(name + 10, 'n', 443 - MS_LEGACY_MAX_DATA - 1 - 10);
    d.mailslot = name;
    d.mailslot_len = strlen(name);
    d.data_len = MS_LEGACY_MAX_DATA;
    assert_int_equal(ms_legacy_encode(&d, buf, sizeof buf), MS_LEGACY_MAX_DATAGRAM);
    name[d.mailslot_len++] = 'n';
    assert_int_equal(ms_legacy_encode(&d, buf, sizeof buf), 0);
    d = our_datagram();
    assert_int_equal(ms_legacy_encode(&d, buf, 100), 0); /* does not fit */
    d.mailslot = "\\PIPE\\x";
    d.mailslot_len = 7;
    assert_int_equal(ms_legacy_encode(&d, buf, sizeof buf), 0);
}

/* ---- name queries ------------------------------------------------------- */

/* The broadcast query a Windows host sends for WORKGROUP<00> (an id, RD and
 * B set, one question: the name, type NB, class IN). */
static void test_query_is_what_windows_sends(void **state)
{
    (void)state;
    unsigned char want[MS_LEGACY_QUERY_LEN] = {0x12, 0x34, 0x01, 0x10, 0, 1,   0,
                                               0,    0,    0,    0,    0, 0x20};
    memcpy(want + 13, workgroup_00, 32);
    want[45] = 0;
    want[46] = 0x00, want[47] = 0x20, want[48] = 0x00, want[49] = 0x01;
    ms_legacy_name n;
    assert_int_equal(ms_legacy_name_make("workgroup", 9, 0, &n), 0);
    unsigned char got[MS_LEGACY_QUERY_LEN];
    ms_legacy_query_encode(0x1234, &n, got);
    assert_memory_equal(got, want, sizeof want);
}

/* A positive answer for WORKGROUP<00>, 192.0.2.2, with the name written out
 * (compressed = 0) or as a pointer to offset 12 (compressed = 1). */
static size_t answer(unsigned char *p, int compressed)
{
    const unsigned char header[] = {0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0};
    memcpy(p, header, sizeof header);
    size_t at = sizeof header;
    if (compressed) {
        p[at++] = 0xC0, p[at++] = 0x0C; /* points at itself: never valid */
    } else {
        p[at++] = 0x20;
        memcpy(p + at, workgroup_00, 32);
        at += 32;
        p[at++] = 0;
    }
    const unsigned char rr[] = {0x00, 0x20, 0x00, 0x01, 0,   0, 0x0D, 0x40,
                                0x00, 0x06, 0x00, 0x00, 192, 0, 2,    2};
    memcpy(p + at, rr, sizeof rr);
    return at + sizeof rr;
}

static void test_query_answers(void **state)
{
    (void)state;
    ms_legacy_name n, other;
    assert_int_equal(ms_legacy_name_make("workgroup", 9, 0, &n), 0);
    assert_int_equal(ms_legacy_name_make("box", 3, 0, &other), 0);
    unsigned char p[128];
    uint32_t ip = 0;
    size_t len = answer(p, 0);
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1234, &n, &ip), 1);
    assert_int_equal(ip, 0xC0000202u);
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1235, &n, &ip), 0);     /* another id */
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1234, &other, &ip), 0); /* another name */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(ms_legacy_query_answer(p, cut, 0x1234, &n, &ip), 0);
    p[3] = 0x03; /* RCODE 3: no such name */
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1234, &n, &ip), 0);
    len = answer(p, 0);
    p[2] = 0x01; /* a request, not a response */
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1234, &n, &ip), 0);
    len = answer(p, 0);
    p[len - 7] = 0; /* no address in the data */
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1234, &n, &ip), 0);
    /* A pointer must point back at a whole name before it, and be whole. */
    len = answer(p, 1);
    assert_int_equal(ms_legacy_query_answer(p, len, 0x1234, &n, &ip), 0);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(ms_legacy_query_answer(p, cut, 0x1234, &n, &ip), 0);
}

/* The answer may repeat the question and point at its name. */
static void test_query_answer_with_question(void **state)
{
    (void)state;
    ms_legacy_name n;
    assert_int_equal(ms_legacy_name_make("workgroup", 9, 0, &n), 0);
    unsigned char p[128];
    ms_legacy_query_encode(0x1234, &n, p); /* the question, at 12 */
    p[2] = 0x85, p[3] = 0x00;
    p[6] = 0, p[7] = 1;
    size_t at = MS_LEGACY_QUERY_LEN;
    const unsigned char rr[] = {0xC0, 0x0C, 0x00, 0x20, 0x00, 0x01, 0, 0, 0,
                                0,    0,    6,    0x60, 0,    192,  0, 2, 7};
    memcpy(p + at, rr, sizeof rr);
    uint32_t ip = 0;
    assert_int_equal(ms_legacy_query_answer(p, at + sizeof rr, 0x1234, &n, &ip), 1);
    assert_int_equal(ip, 0xC0000207u);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_is_what_windows_sends),
        cmocka_unit_test(test_decode_every_field),
        cmocka_unit_test(test_decode_suffix_and_empty_data),
        cmocka_unit_test(test_every_truncation_refused),
        cmocka_unit_test(test_malformed_variants),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_host_names),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_encode_limits),
        cmocka_unit_test(test_query_is_what_windows_sends),
        cmocka_unit_test(test_query_answers),
        cmocka_unit_test(test_query_answer_with_question),
    };
    return MS_RUN_TESTS("legacy", tests, NULL, NULL);
}
