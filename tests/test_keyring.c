/* SPDX-License-Identifier: MIT */
/* test_keyring.c -- key files and the choice of keys (src/auth/keyring.h): every
 * time format, every error of the parser, defaults, scopes, and which key
 * signs and which keys verify while keys change. */
#include "test_util.h"

#include "packets.h"

#include "auth/keyring.h"

#define T0 1767225600000ull /* 2026-01-01T00:00:00Z */
#define DAY 86400000ull
#define WHAT "test keys"

/* PROTOCOL.md section 8.6: the key 00 01 .. 1F, whose id is 08C32E3C. */
#define HEX_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define GOLDEN_KEY_ID 0x08C32E3Cu

#define NEED_SODIUM()                                                                              \
    do {                                                                                           \
        if (!ms_auth_available())                                                                  \
            skip();                                                                                \
    } while (0)

static ms_keyring kr;

/* The key whose bytes are 00 01 .. 1F with the first one replaced by first. */
static void key_bytes(unsigned first, unsigned char k[MS_AUTH_KEY_BYTES])
{
    for (int i = 0; i < MS_AUTH_KEY_BYTES; i++)
        k[i] = (unsigned char)i;
    k[0] = (unsigned char)first;
}

/* Its 64 hex digits (buf: 65 bytes). */
static const char *key_hex(unsigned first, char *buf)
{
    unsigned char k[MS_AUTH_KEY_BYTES];
    key_bytes(first, k);
    for (int i = 0; i < MS_AUTH_KEY_BYTES; i++)
        sprintf(buf + 2 * i, "%02x", k[i]);
    return buf;
}

static uint32_t key_id(unsigned first)
{
    unsigned char k[MS_AUTH_KEY_BYTES];
    ms_auth_key key;
    key_bytes(first, k);
    OK(ms_auth_key_init(&key, k));
    return key.id;
}

static int parse(const char *text)
{
    return ms_keyring_parse(&kr, text, strlen(text), WHAT);
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

/* text (len bytes) must fail, with a detail that holds want, and leave the
 * keyring empty and wiped. */
static void expect_bad_len(const char *text, size_t len, const char *want)
{
    memset(&kr, 0xA5, sizeof kr);
    int rc = ms_keyring_parse(&kr, text, len, WHAT);
    const char *detail = mailslot_last_error_detail();
    if (rc != MAILSLOT_E_INVALID)
        fail_msg("\"%.*s\" -> %d (%s), expected MAILSLOT_E_INVALID", (int)(len < 200 ? len : 200),
                 text, rc, detail);
    if (!strstr(detail, want))
        fail_msg("\"%.*s\": detail \"%s\" lacks \"%s\"", (int)(len < 200 ? len : 200), text, detail,
                 want);
    if (strncmp(detail, WHAT ": ", strlen(WHAT ": ")) != 0)
        fail_msg("detail \"%s\" does not begin with \"" WHAT ": \"", detail);
    assert_int_equal(kr.n, 0);
    assert_true(all_zero(&kr, sizeof kr));
}

static void expect_bad(const char *text, const char *want)
{
    expect_bad_len(text, strlen(text), want);
}

/* ms_time_parse of a NUL-terminated text. */
static int tparse(const char *text, uint64_t *ms)
{
    return ms_time_parse(text, strlen(text), ms);
}

static void expect_time(const char *text, uint64_t want)
{
    uint64_t ms = 12345;
    int rc = tparse(text, &ms);
    if (rc != MAILSLOT_OK || ms != want)
        fail_msg("\"%s\" -> %d, %llu; expected %llu", text, rc, (unsigned long long)ms,
                 (unsigned long long)want);
}

static void expect_bad_time(const char *text)
{
    uint64_t ms;
    if (tparse(text, &ms) != MAILSLOT_E_INVALID)
        fail_msg("\"%s\" was accepted as a time (%llu)", text, (unsigned long long)ms);
}

static ms_packet packet(uint8_t kind, const char *target, const char *path)
{
    return test_packet(kind, target, path, 1, 1, "hi", 2);
}

/* The line (1-based) of the key chosen to send p at now; 0 for none. */
static unsigned sending_line(const ms_packet *p, uint64_t now)
{
    const ms_keyring_entry *e = ms_keyring_for_sending(&kr, p, now);
    if (!e)
        return 0;
    assert_true(e >= kr.keys && e < kr.keys + kr.n);
    return e->line;
}

/* 1 when the key of first is accepted for p at now. */
static int accepts(unsigned first, const ms_packet *p, uint64_t now)
{
    const ms_auth_key *k = ms_keyring_for_receiving(&kr, key_id(first), p, now);
    if (k)
        assert_int_equal(k->id, key_id(first));
    return k != NULL;
}

/* ---- times ---- */

static void test_time_formats(void **state)
{
    (void)state;
    expect_time("1970-01-01", 0);
    expect_time("1970-01-01T00:00:00Z", 0);
    expect_time("@0", 0);
    expect_time("1970-01-01T00:00:01Z", 1000);
    expect_time("1970-01-02", DAY);
    expect_time("2026-01-01", T0);
    expect_time("2026-01-01T00:00:00Z", T0);
    expect_time("@1767225600", T0);
    expect_time("2026-01-01T12:34:56Z", T0 + (12 * 3600 + 34 * 60 + 56) * 1000ull);
    expect_time("2026-11-23T12:00:00Z", 1795435200000ull);
    expect_time("@1795000000", 1795000000000ull);
    expect_time("@0001", 1000);
    expect_time("2000-02-29", 951782400000ull);
    expect_time("2000-02-29T23:59:59Z", 951868799000ull);
    expect_time("2024-02-29", 1709164800000ull);
    expect_time("2026-04-30", 1777507200000ull);
    expect_time("2026-12-31T23:59:59Z", 1798761599000ull);
    expect_time("9999-12-31T23:59:59Z", 253402300799000ull);
    expect_time("@18446744073709551", 18446744073709551000ull); /* the last that fits */

    const char *bad[] = {
        "",
        "2100-02-29", /* not a leap year (divisible by 100) */
        "2023-02-29",
        "1900-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-01-32",
        "2026-04-31",
        "2026-06-31",
        "1969-12-31", /* before the epoch */
        "1969-12-31T23:59:59Z",
        "0000-01-01",
        "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z",
        "2026-01-01T23:59:60Z", /* no leap seconds */
        "2026-01-01t00:00:00Z",
        "2026-01-01T00:00:00z",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00Z",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01 00:00:00Z",
        "2026-1-01",
        "2026-01-1",
        "26-01-01",
        "20260101",
        "2026/01/01",
        " 2026-01-01",
        "2026-01-01 ",
        "+026-01-01",
        "2026-0a-01",
        "2026-01-01T0a:00:00Z",
        "@",
        "@-1",
        "@+1",
        "@ 1",
        "@1.5",
        "@1e3",
        "@0x10",
        "1767225600",         /* seconds need their '@' */
        "@18446744073709552", /* * 1000 overflows */
        "@18446744073709551616",
        "@99999999999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_bad_time(bad[i]);

    /* Only text[0..len) is read. */
    uint64_t ms;
    OK(ms_time_parse("2026-01-01T00:00:00Zjunk", 20, &ms));
    assert_int_equal(ms, T0);
    OK(ms_time_parse("2026-01-01junk", 10, &ms));
    assert_int_equal(ms, T0);
    OK(ms_time_parse("@12x", 3, &ms));
    assert_int_equal(ms, 12000);
    RC(MAILSLOT_E_INVALID, ms_time_parse("2026-01-01", 9, &ms));
}

/* Every day from 1970 to 2400 against a calendar counted day by day. */
static void test_time_every_day(void **state)
{
    (void)state;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t day = 0;
    for (int y = 1970; y <= 2400; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= 32; d++) {
                char text[32], out[32];
                uint64_t ms;
                snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
                if (d > n) {
                    expect_bad_time(text);
                    continue;
                }
                expect_time(text, day * DAY);
                ms_time_format(day * DAY + 45296789, out, sizeof out); /* 12:34:56.789 */
                snprintf(text, sizeof text, "%04d-%02d-%02dT12:34:56Z", y, m, d);
                assert_string_equal(out, text);
                OK(tparse(out, &ms));
                assert_int_equal(ms, day * DAY + 45296000);
                day++;
            }
        }
    }
}

static void test_time_format(void **state)
{
    (void)state;
    char buf[64];
    ms_time_format(0, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    ms_time_format(T0, buf, sizeof buf);
    assert_string_equal(buf, "2026-01-01T00:00:00Z");
    ms_time_format(951868799999ull, buf, sizeof buf); /* ms are dropped */
    assert_string_equal(buf, "2000-02-29T23:59:59Z");
    ms_time_format(253402300799000ull, buf, 21); /* exactly the room it needs */
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    memset(buf, 'x', sizeof buf);
    ms_time_format(T0, buf, 5); /* cut short, never past cap */
    assert_string_equal(buf, "2026");
    assert_int_equal(buf[5], 'x');
    ms_time_format(MS_TIME_END, buf, sizeof buf); /* far past 9999: no crash, ends in NUL */
    assert_true(strlen(buf) < sizeof buf);

    /* Round trips: parse(format(ms)) is ms to the second. */
    uint64_t x = 88172645463325252ull, ms;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t t = x % 253402300800000ull;
        ms_time_format(t, buf, 21);
        OK(tparse(buf, &ms));
        assert_int_equal(ms, t / 1000 * 1000);
        snprintf(buf, sizeof buf, "@%llu", (unsigned long long)(t / 1000));
        OK(tparse(buf, &ms));
        assert_int_equal(ms, t / 1000 * 1000);
    }
}

/* ---- parsing ---- */

static void test_one_key_and_defaults(void **state)
{
    (void)state;
    NEED_SODIUM();
    OK(parse("key " HEX_A "\n"));
    assert_int_equal(kr.n, 1);
    const ms_keyring_entry *e = &kr.keys[0];
    unsigned char k[MS_AUTH_KEY_BYTES];
    ms_auth_key want;
    key_bytes(0, k);
    OK(ms_auth_key_init(&want, k));
    assert_int_equal(e->key.id, want.id);
    assert_int_equal(e->key.id, GOLDEN_KEY_ID); /* as tests/test_auth.c's golden vectors */
    assert_memory_equal(e->key.hmac, want.hmac, sizeof want.hmac);
    assert_memory_equal(e->key.aead, want.aead, sizeof want.aead);
    assert_int_equal(e->accept_from, 0);
    assert_true(e->accept_until == MS_TIME_END);
    assert_int_equal(e->send_from, 0);
    assert_true(e->send_until == MS_TIME_END);
    assert_string_equal(e->domain, "");
    assert_string_equal(e->slot, "");
    assert_int_equal(e->line, 1);

    /* Upper-case hex is the same key; no final newline is needed. */
    OK(parse("key 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"));
    assert_int_equal(kr.n, 1);
    assert_int_equal(kr.keys[0].key.id, GOLDEN_KEY_ID);

    /* send-* default to accept-*. */
    OK(parse("key " HEX_A " accept-from=2026-01-01 accept-until=2026-02-01"));
    assert_int_equal(kr.keys[0].accept_from, T0);
    assert_int_equal(kr.keys[0].accept_until, T0 + 31 * DAY);
    assert_int_equal(kr.keys[0].send_from, T0);
    assert_int_equal(kr.keys[0].send_until, T0 + 31 * DAY);

    /* Every attribute, in any order. */
    OK(parse("key " HEX_A " slot=App\\Log domain=Sales.Example accept-until=@1767312000 "
             "send-until=2026-01-01T12:00:00Z send-from=2026-01-01T06:00:00Z "
             "accept-from=2025-12-31"));
    e = &kr.keys[0];
    assert_int_equal(e->accept_from, T0 - DAY);
    assert_int_equal(e->accept_until, T0 + DAY);
    assert_int_equal(e->send_from, T0 + 6 * 3600000ull);
    assert_int_equal(e->send_until, T0 + 12 * 3600000ull);
    assert_string_equal(e->domain, "sales.example");
    assert_string_equal(e->slot, "app\\log");

    /* A send period as long as the accept period, and one of a second. */
    OK(parse("key " HEX_A " send-from=@10 send-until=@20 accept-from=@10 accept-until=@20"));
    OK(parse("key " HEX_A " send-from=@10 send-until=@11"));
}

static void test_slot_and_domain_forms(void **state)
{
    (void)state;
    NEED_SODIUM();
    const struct {
        const char *attr, *slot, *domain;
    } cases[] = {
        {"slot=logger", "logger", ""},
        {"slot=Logger", "logger", ""},
        {"slot=app\\log", "app\\log", ""},
        {"slot=app/Log", "app\\log", ""},
        {"slot=\\\\.\\mailslot\\Logger", "logger", ""},
        {"slot=//./MailSlot/app/log", "app\\log", ""},
        {"slot=a#b", "a#b", ""}, /* '#' starts a comment only at the start of a field */
        {"slot=r\xc3\xa9seau", "r\xc3\xa9seau", ""},
        {"domain=workgroup", "", "workgroup"},
        {"domain=Sales.Example.ORG", "", "sales.example.org"},
        {"domain=10.0.0.1", "", "10.0.0.1"},
        {"domain=sales slot=logger", "logger", "sales"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "key %s %s", HEX_A, cases[i].attr);
        OK(parse(text));
        assert_string_equal(kr.keys[0].slot, cases[i].slot);
        assert_string_equal(kr.keys[0].domain, cases[i].domain);
    }
}

static void test_comments_blanks_tabs_crlf(void **state)
{
    (void)state;
    NEED_SODIUM();
    char a[65], b[65], c[65], d[65], text[1024];
    snprintf(text, sizeof text,
             "# keys of the sales network\r\n"
             "\r\n"
             "\tkey\t%s\t send-from=2026-01-01 # rotated in January\r\n"
             "   \r\n"
             "  # key %s\n"
             "\n"
             "key %s #\n"
             "\t\n"
             "key  %s  domain=sales\t",
             key_hex(1, a), key_hex(9, d), key_hex(2, b), key_hex(3, c));
    OK(parse(text));
    assert_int_equal(kr.n, 3);
    assert_int_equal(kr.keys[0].line, 3);
    assert_int_equal(kr.keys[0].key.id, key_id(1));
    assert_int_equal(kr.keys[0].send_from, T0);
    assert_int_equal(kr.keys[1].line, 7);
    assert_int_equal(kr.keys[1].key.id, key_id(2));
    assert_int_equal(kr.keys[2].line, 9);
    assert_int_equal(kr.keys[2].key.id, key_id(3));
    assert_string_equal(kr.keys[2].domain, "sales");

    /* Line numbers count CRLF lines and a last line without its end. */
    snprintf(text, sizeof text, "\r\n\r\nkey %s\r\nkey %s bad=1", a, b);
    expect_bad(text, WHAT ": line 4: unknown attribute \"bad\"");
}

/* A line of exactly MS_KEYFILE_LINE bytes is accepted, with either end. */
static void test_longest_line(void **state)
{
    (void)state;
    NEED_SODIUM();
    char text[2 * MS_KEYFILE_LINE];
    const char *ends[] = {"", "\n", "\r\n"};
    for (size_t i = 0; i < 3; i++) {
        memset(text, ' ', sizeof text);
        memcpy(text, "key " HEX_A, 68);
        strcpy(text + MS_KEYFILE_LINE, ends[i]);
        OK(parse(text));
        assert_int_equal(kr.n, 1);
        text[MS_KEYFILE_LINE] = ' ';
        strcpy(text + MS_KEYFILE_LINE + 1, ends[i]);
        expect_bad(text, WHAT ": line 1: longer than 1024 bytes");
    }
}

static void test_32_keys_and_33(void **state)
{
    (void)state;
    NEED_SODIUM();
    static char text[64 * 100];
    size_t n = 0;
    for (unsigned i = 0; i < MS_KEYRING_MAX; i++) {
        char hex[65];
        n += (size_t)snprintf(text + n, sizeof text - n, "key %s\n", key_hex(0x40 + i, hex));
    }
    OK(parse(text));
    assert_int_equal(kr.n, MS_KEYRING_MAX);
    for (unsigned i = 0; i < MS_KEYRING_MAX; i++) {
        assert_int_equal(kr.keys[i].key.id, key_id(0x40 + i));
        assert_int_equal(kr.keys[i].line, i + 1);
    }
    /* Comments and blank lines do not count. */
    n += (size_t)snprintf(text + n, sizeof text - n, "# full\n\n");
    OK(parse(text));
    char hex[65];
    snprintf(text + n, sizeof text - n, "key %s\n", key_hex(0xF0, hex));
    expect_bad(text, WHAT ": line 35: more than 32 keys");
}

/* Every error of keyring.h, each with the words of its detail. */
static void test_errors(void **state)
{
    (void)state;
    NEED_SODIUM();
    const char *k = "key " HEX_A;
    const struct {
        const char *suffix; /* after "key HEX_A" unless it starts with '!' */
        const char *detail;
    } cases[] = {
        /* not "key HEX ..." */
        {"!kye " HEX_A, "line 1: a line is \"key <64 hex digits>"},
        {"!Key " HEX_A, "line 1: a line is \"key"},
        {"!" HEX_A, "line 1: a line is \"key"},
        {"!keys " HEX_A, "line 1: a line is \"key"},
        {"!key", "line 1: \"key\" lacks its 64 hex digits"},
        {"!key   # a comment", "line 1: \"key\" lacks its 64 hex digits"},
        {"!\n\nkey=" HEX_A, "line 3: a line is \"key"},
        /* not 64 hex digits */
        {"!key " HEX_A "0", "line 1: the key is not 64 hex digits"},
        {"!key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
         "the key is not 64 hex digits"},
        {"!key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
         "the key is not 64 hex digits"},
        {"!key 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
         "the key is not 64 hex digits"},
        {"!key " HEX_A "# no blank before the comment", "the key is not 64 hex digits"},
        {"!key 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f",
         "the key is not 64 hex digits"},
        /* unknown attributes */
        {" sendfrom=2026-01-01", "line 1: unknown attribute \"sendfrom\" (field 3)"},
        {" Send-From=2026-01-01", "unknown attribute \"Send-From\""},
        {" send-from", "line 1: \"send-from\" lacks its value (send-from=...)"},
        {" domain", "\"domain\" lacks its value"},
        {" =1", "field 3 is not an attribute NAME=VALUE"},
        {" slot=a extra", "unknown attribute \"extra\" (field 4)"},
        {" " HEX_A, "field 3 is not an attribute NAME=VALUE"}, /* never echoed */
        {" deadbeef=1", "field 3 is not an attribute NAME=VALUE"},
        {" deadbee=1", "unknown attribute \"deadbee\""},
        /* repeated */
        {" domain=a domain=b", "line 1: \"domain\" is given twice"},
        {" slot=a slot=a", "\"slot\" is given twice"},
        {" send-from=@1 send-from=@1", "\"send-from\" is given twice"},
        {" send-until=@1 send-until=@2", "\"send-until\" is given twice"},
        {" accept-from=@1 accept-from=@1", "\"accept-from\" is given twice"},
        {" accept-until=@9 accept-until=@9", "\"accept-until\" is given twice"},
        /* bad times */
        {" send-from=2026-02-30", "line 1: \"send-from\": \"2026-02-30\" is not a time"},
        {" send-until=tomorrow", "\"send-until\": \"tomorrow\" is not a time"},
        {" accept-from=", "\"accept-from\": \"\" is not a time"},
        {" accept-until=@18446744073709552", "\"accept-until\": \"@18446744073709552\" is not"},
        {" send-from=\x01", "\"send-from\" is not a time"},
        /* bad domains */
        {" domain=", "line 1: \"domain\": a domain name has 1 to 253 bytes"},
        {" domain=a*b", "line 1: \"domain\": \"a*b\" is not a domain name"},
        {" domain=*", "\"*\" is not a domain name"},
        {" domain=.", "\".\" is not a domain name"},
        {" domain=a\\mailslot\\b", "is not a domain name"},
        {" domain=[a]", "is not a domain name"},
        {" domain=a,b", "is not a domain name"},
        /* bad slots */
        {" slot=", "line 1: \"slot\" is empty"},
        {" slot=a\\\\b", "line 1: \"slot\" is not a slot path: mailslot path"},
        {" slot=..", "\"slot\" is not a slot path"},
        {" slot=a\\.\\b", "\"slot\" is not a slot path"},
        {" slot=\\logger", "\"slot\" is not a slot path"},
        {" slot=\\\\host\\mailslot\\logger", "\"slot\" names a slot on host \"host\""},
        {" slot=\\\\*\\mailslot\\logger", "\"slot\" names a slot on host \"*\""},
        {" slot=\\\\.\\pipe\\logger", "\"slot\" is not a slot path"},
        {" slot=\\\\.\\mailslot\\", "\"slot\" is not a slot path"},
        {" slot=a\x7f", "\"slot\" is not a slot path"},
        {" slot=\xff", "\"slot\" is not a slot path"},
        /* periods that end before they begin */
        {" accept-from=2026-01-02 accept-until=2026-01-01",
         "line 1: \"accept-until\" is not after \"accept-from\""},
        {" accept-from=2026-01-01 accept-until=2026-01-01",
         "\"accept-until\" is not after \"accept-from\""},
        {" accept-until=@0", "\"accept-until\" is not after \"accept-from\""},
        {" accept-from=@10 accept-until=@10 send-from=@10 send-until=@10",
         "\"accept-until\" is not after \"accept-from\""},
        {" send-from=2026-01-02 send-until=2026-01-01",
         "line 1: \"send-until\" is not after \"send-from\""},
        {" send-from=@5 send-until=@5", "\"send-until\" is not after \"send-from\""},
        {" send-until=@0", "\"send-until\" is not after \"accept-from\""},
        {" accept-until=@100 send-from=@100", "\"accept-until\" is not after \"send-from\""},
        /* a send period outside the accept period */
        {" accept-from=2026-01-02 send-from=2026-01-01",
         "line 1: \"send-from\" is before \"accept-from\""},
        {" accept-until=2026-01-02 send-until=2026-01-03", "\"send-until\" is after "
                                                           "\"accept-until\""},
        {" accept-from=@10 accept-until=@20 send-from=@5 send-until=@25",
         "\"send-from\" is before \"accept-from\""},
        /* two keys with the same id */
        {"\nkey " HEX_A, "line 2: the key id 08C32E3C is that of the key of line 1"},
        {"\nkey 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F slot=x",
         "line 2: the key id 08C32E3C is that of the key of line 1"},
        /* the first error wins */
        {" bad=1\nkey", "line 1: unknown attribute"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512], want[256];
        if (cases[i].suffix[0] == '!')
            snprintf(text, sizeof text, "%s", cases[i].suffix + 1);
        else
            snprintf(text, sizeof text, "%s%s", k, cases[i].suffix);
        snprintf(want, sizeof want, "%s", cases[i].detail);
        expect_bad(text, want);
    }

    /* No key at all. */
    const char *empty[] = {"", "\n", "# nothing yet\n", ("\r\n \t\r\n\n# key " HEX_A)};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        expect_bad(empty[i], WHAT ": no key");

    /* A NUL byte, even in a comment. */
    static const char nul[] = "key " HEX_A " # a\0b\n";
    expect_bad_len(nul, sizeof nul - 1, WHAT ": line 1: a NUL byte");
    static const char nul2[] = "key " HEX_A "\n\0";
    expect_bad_len(nul2, sizeof nul2 - 1, WHAT ": line 2: a NUL byte");

    /* Text over MS_KEYFILE_MAX bytes, even of blank lines. */
    static char big[MS_KEYFILE_MAX + 2];
    memset(big, '\n', sizeof big);
    memcpy(big, "key " HEX_A, 68);
    OK(ms_keyring_parse(&kr, big, MS_KEYFILE_MAX, WHAT));
    expect_bad_len(big, MS_KEYFILE_MAX + 1, WHAT ": more than 65536 bytes");

    /* A NULL what still names something; NULL text of length 0 has no key. */
    memset(&kr, 0xA5, sizeof kr);
    RC(MAILSLOT_E_INVALID, ms_keyring_parse(&kr, "key", 3, NULL));
    assert_non_null(strstr(mailslot_last_error_detail(), "line 1:"));
    RC(MAILSLOT_E_INVALID, ms_keyring_parse(&kr, NULL, 0, WHAT));
    assert_int_equal(kr.n, 0);
}

/* No detail ever shows key material, whatever the mistake. */
static void test_details_hide_keys(void **state)
{
    (void)state;
    NEED_SODIUM();
    const char *texts[] = {
        HEX_A,
        "key=" HEX_A,
        "key " HEX_A "0",
        "key " HEX_A "g",
        "key x " HEX_A,
        "key " HEX_A " " HEX_A,
        "key " HEX_A " " HEX_A "=1",
        "key " HEX_A " 000102030405=1",
        "key " HEX_A " send-from=" HEX_A,
        "key 000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f",
        "key " HEX_A "\nkey " HEX_A,
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        RC(MAILSLOT_E_INVALID, parse(texts[i]));
        const char *detail = mailslot_last_error_detail();
        /* no run of 8 of its hex digits */
        for (size_t at = 0; at + 8 <= 64; at++) {
            char piece[9];
            memcpy(piece, &HEX_A[at], 8);
            piece[8] = '\0';
            if (strstr(detail, piece))
                fail_msg("\"%s\": detail \"%s\" shows \"%s\"", texts[i], detail, piece);
        }
    }
}

/* The parser reads text[0..len) only: the text need not end in NUL. Run
 * under AddressSanitizer, a read past the end is a failure. */
static void test_text_without_nul(void **state)
{
    (void)state;
    NEED_SODIUM();
    const char *texts[] = {"key " HEX_A,
                           "key " HEX_A " send-from=2026-01-01",
                           "key " HEX_A " slot=app\\log",
                           "key " HEX_A " domain=sales",
                           "key " HEX_A " send-from=2026-01-0",
                           "key " HEX_A " slot=",
                           "key " HEX_A " domain=",
                           "key " HEX_A "\r",
                           "key " HEX_A " #",
                           "key " HEX_A " send-from=@",
                           "key " HEX_A " x",
                           "key",
                           "#",
                           "\r",
                           "k"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t len = strlen(texts[i]);
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, texts[i], len);
        int rc = ms_keyring_parse(&kr, copy, len, WHAT);
        assert_int_equal(rc, i < 4 || i == 7 || i == 8 ? MAILSLOT_OK : MAILSLOT_E_INVALID);
        free(copy);
    }
    /* and ignores what follows len */
    const char *text = "key " HEX_A "\nkey " HEX_A;
    OK(ms_keyring_parse(&kr, text, 68, WHAT));
    assert_int_equal(kr.n, 1);
}

static void test_clear(void **state)
{
    (void)state;
    NEED_SODIUM();
    char a[65], b[65], text[256];
    snprintf(text, sizeof text, "key %s\nkey %s slot=x", key_hex(1, a), key_hex(2, b));
    OK(parse(text));
    assert_int_equal(kr.n, 2);
    assert_false(all_zero(&kr.keys[0].key, sizeof kr.keys[0].key));
    ms_keyring_clear(&kr);
    assert_int_equal(kr.n, 0);
    assert_true(all_zero(&kr, sizeof kr));
    /* A new parse replaces what the keyring held. */
    OK(parse(text));
    snprintf(text, sizeof text, "key %s", a);
    OK(parse(text));
    assert_int_equal(kr.n, 1);
    assert_true(all_zero(&kr.keys[1], sizeof kr.keys[1]));
    /* A failed one leaves nothing. */
    snprintf(text, sizeof text, "key %s\nkey %s bad=1", a, b);
    expect_bad(text, "line 2");
}

static void test_without_sodium(void **state)
{
    (void)state;
    if (ms_auth_available())
        skip();
    expect_bad("key " HEX_A "\n", WHAT ": network keys need libsodium");
    assert_non_null(strstr(mailslot_last_error_detail(), "built without libsodium"));
}

/* ---- scopes and choices ---- */

static void test_covers(void **state)
{
    (void)state;
    NEED_SODIUM();
    char a[65], b[65], c[65], d[65], text[512];
    snprintf(text, sizeof text,
             "key %s\nkey %s slot=app\\log\nkey %s domain=sales\nkey %s domain=sales slot=logger",
             key_hex(1, a), key_hex(2, b), key_hex(3, c), key_hex(4, d));
    OK(parse(text));
    const ms_keyring_entry *any = &kr.keys[0], *slot = &kr.keys[1], *dom = &kr.keys[2],
                           *both = &kr.keys[3];
    const struct {
        ms_packet p;
        int any, slot, dom, both;
    } cases[] = {
        {packet(MS_WIRE_TO_ALL, "", "app\\log"), 1, 1, 0, 0},
        {packet(MS_WIRE_TO_ALL, "", "app\\lo"), 1, 0, 0, 0},
        {packet(MS_WIRE_TO_ALL, "", "app\\logs"), 1, 0, 0, 0},
        {packet(MS_WIRE_TO_ALL, "", "app/log"), 1, 0, 0, 0},
        {packet(MS_WIRE_TO_ALL, "", "logger"), 1, 0, 0, 0}, /* '*': no domain */
        {packet(MS_WIRE_TO_DOMAIN, "sales", "logger"), 1, 0, 1, 1},
        {packet(MS_WIRE_TO_DOMAIN, "sales", "app\\log"), 1, 1, 1, 0},
        {packet(MS_WIRE_TO_DOMAIN, "sale", "logger"), 1, 0, 0, 0},
        {packet(MS_WIRE_TO_DOMAIN, "sales2", "logger"), 1, 0, 0, 0},
        {packet(MS_WIRE_TO_DOMAIN, "ops", "logger"), 1, 0, 0, 0},
        {packet(MS_WIRE_TO_HOST, "sales", "logger"), 1, 0, 0, 0}, /* a host, not the domain */
        {packet(MS_WIRE_TO_HOST, "hostb", "app\\log"), 1, 1, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(ms_keyring_covers(any, &cases[i].p), cases[i].any);
        assert_int_equal(ms_keyring_covers(slot, &cases[i].p), cases[i].slot);
        assert_int_equal(ms_keyring_covers(dom, &cases[i].p), cases[i].dom);
        assert_int_equal(ms_keyring_covers(both, &cases[i].p), cases[i].both);
    }
    /* The packet's fields are not NUL-terminated. */
    ms_packet p = packet(MS_WIRE_TO_DOMAIN, "salesX", "loggerX");
    p.target_len = 5, p.path_len = 6;
    assert_true(ms_keyring_covers(both, &p));
}

static void test_narrowest_scope_signs(void **state)
{
    (void)state;
    NEED_SODIUM();
    /* The narrowest first in the text, so that order does not decide. */
    char a[65], b[65], c[65], d[65], text[512];
    snprintf(text, sizeof text,
             "key %s domain=sales slot=logger\nkey %s slot=logger\nkey %s domain=sales\nkey %s",
             key_hex(1, a), key_hex(2, b), key_hex(3, c), key_hex(4, d));
    OK(parse(text));
    ms_packet both = packet(MS_WIRE_TO_DOMAIN, "sales", "logger");
    ms_packet slot = packet(MS_WIRE_TO_ALL, "", "logger");
    ms_packet dom = packet(MS_WIRE_TO_DOMAIN, "sales", "other");
    ms_packet none = packet(MS_WIRE_TO_ALL, "", "other");
    ms_packet other_domain = packet(MS_WIRE_TO_DOMAIN, "ops", "logger");
    assert_int_equal(sending_line(&both, T0), 1);
    assert_int_equal(sending_line(&slot, T0), 2);
    assert_int_equal(sending_line(&dom, T0), 3);
    assert_int_equal(sending_line(&none, T0), 4);
    assert_int_equal(sending_line(&other_domain, T0), 2);

    /* A newer send-from does not beat a narrower scope. */
    snprintf(text, sizeof text, "key %s slot=logger\nkey %s send-from=2026-01-01", a, b);
    OK(parse(text));
    assert_int_equal(sending_line(&slot, T0 + DAY), 1);
    assert_int_equal(sending_line(&none, T0 + DAY), 2);
    assert_int_equal(sending_line(&none, T0 - 1), 0); /* no key for it yet */

    /* Slot beats domain. */
    snprintf(text, sizeof text, "key %s slot=logger\nkey %s domain=sales", a, b);
    OK(parse(text));
    assert_int_equal(sending_line(&both, T0), 1);
    snprintf(text, sizeof text, "key %s domain=sales\nkey %s slot=logger", a, b);
    OK(parse(text));
    assert_int_equal(sending_line(&both, T0), 2);

    /* Only scoped keys: nothing for a packet they do not cover. */
    snprintf(text, sizeof text, "key %s slot=logger\nkey %s domain=sales", a, b);
    OK(parse(text));
    assert_int_equal(sending_line(&none, T0), 0);
    assert_null(ms_keyring_for_sending(&kr, &none, T0));
}

static void test_latest_send_from_then_last(void **state)
{
    (void)state;
    NEED_SODIUM();
    char a[65], b[65], c[65], text[512];
    ms_packet p = packet(MS_WIRE_TO_ALL, "", "logger");
    /* The latest send_from wins wherever it is in the text. */
    snprintf(text, sizeof text, "key %s send-from=2026-01-03\nkey %s send-from=2026-01-02\n",
             key_hex(1, a), key_hex(2, b));
    OK(parse(text));
    assert_int_equal(sending_line(&p, T0 + 2 * DAY), 1);
    assert_int_equal(sending_line(&p, T0 + DAY), 2);
    /* Equal send_from: the last in the text, also among three. */
    snprintf(text, sizeof text, "key %s\nkey %s\n", a, b);
    OK(parse(text));
    assert_int_equal(sending_line(&p, T0), 2);
    snprintf(text, sizeof text, "key %s send-from=@5\nkey %s send-from=@5\nkey %s send-from=@1", a,
             b, key_hex(3, c));
    OK(parse(text));
    assert_int_equal(sending_line(&p, T0), 2);
    /* Defaults count as their time: no send-from is the beginning of time. */
    snprintf(text, sizeof text, "key %s send-from=@1\nkey %s\n", a, b);
    OK(parse(text));
    assert_int_equal(sending_line(&p, T0), 1);
    assert_int_equal(sending_line(&p, 0), 2);
}

/* The rotation of abi/mailslot.h: the old key signs until T and is accepted
 * a day longer, the new one is accepted a day before T and signs from T. */
static void test_rotation(void **state)
{
    (void)state;
    NEED_SODIUM();
    char a[65], b[65], text[512];
    const uint64_t T = T0 + 10 * DAY;
    snprintf(text, sizeof text,
             "key %s send-until=2026-01-11 accept-until=2026-01-12\n"
             "key %s accept-from=2026-01-10 send-from=2026-01-11T00:00:00Z\n",
             key_hex(1, a), key_hex(2, b));
    OK(parse(text));
    ms_packet p = packet(MS_WIRE_TO_DOMAIN, "sales", "logger");
    assert_int_equal(kr.keys[0].send_until, T);
    assert_int_equal(kr.keys[1].send_from, T);

    assert_int_equal(sending_line(&p, 0), 1);
    assert_int_equal(sending_line(&p, T - 1), 1);
    assert_int_equal(sending_line(&p, T), 2);
    assert_int_equal(sending_line(&p, T + 365 * DAY), 2);

    /* Before the overlap: only the old one. */
    assert_true(accepts(1, &p, T - DAY - 1));
    assert_false(accepts(2, &p, T - DAY - 1));
    /* The overlap, both ways around T: both. */
    uint64_t during[] = {T - DAY, T - 1, T, T + DAY - 1};
    for (size_t i = 0; i < 4; i++) {
        assert_true(accepts(1, &p, during[i]));
        assert_true(accepts(2, &p, during[i]));
    }
    /* After the old one's accept-until: only the new one. */
    assert_false(accepts(1, &p, T + DAY));
    assert_true(accepts(2, &p, T + DAY));
    /* A key id that is not in the keyring. */
    assert_null(ms_keyring_for_receiving(&kr, key_id(3), &p, T));
    assert_null(ms_keyring_for_receiving(&kr, 0, &p, T));
}

static void test_receiving_scope(void **state)
{
    (void)state;
    NEED_SODIUM();
    char a[65], b[65], c[65], text[512];
    snprintf(text, sizeof text, "key %s slot=logger\nkey %s domain=sales\nkey %s", key_hex(1, a),
             key_hex(2, b), key_hex(3, c));
    OK(parse(text));
    ms_packet logger = packet(MS_WIRE_TO_ALL, "", "logger");
    ms_packet other = packet(MS_WIRE_TO_ALL, "", "other");
    ms_packet sales = packet(MS_WIRE_TO_DOMAIN, "sales", "other");
    ms_packet star = packet(MS_WIRE_TO_ALL, "", "other");
    ms_packet host = packet(MS_WIRE_TO_HOST, "sales", "other");
    /* A slot-scoped key is refused for another slot. */
    assert_true(accepts(1, &logger, T0));
    assert_false(accepts(1, &other, T0));
    /* A domain key is refused for a '*' packet or one to a host. */
    assert_true(accepts(2, &sales, T0));
    assert_false(accepts(2, &star, T0));
    assert_false(accepts(2, &host, T0));
    /* An unscoped key covers them all. */
    assert_true(accepts(3, &logger, T0));
    assert_true(accepts(3, &star, T0));
    assert_true(accepts(3, &host, T0));
    /* The domain key does not sign '*' packets either. */
    assert_int_equal(sending_line(&star, T0), 3);
    assert_int_equal(sending_line(&sales, T0), 2);

    /* Accept periods hold [from, until). */
    snprintf(text, sizeof text, "key %s accept-from=@10 accept-until=@20", a);
    OK(parse(text));
    assert_false(accepts(1, &logger, 9999));
    assert_true(accepts(1, &logger, 10000));
    assert_true(accepts(1, &logger, 19999));
    assert_false(accepts(1, &logger, 20000));
    assert_int_equal(sending_line(&logger, 9999), 0);
    assert_int_equal(sending_line(&logger, 10000), 1);
    assert_int_equal(sending_line(&logger, 19999), 1);
    assert_int_equal(sending_line(&logger, 20000), 0);
    /* An empty keyring chooses nothing. */
    ms_keyring_clear(&kr);
    assert_null(ms_keyring_for_sending(&kr, &logger, T0));
    assert_null(ms_keyring_for_receiving(&kr, key_id(1), &logger, T0));
}

static void test_format_line(void **state)
{
    (void)state;
    unsigned char k[MS_AUTH_KEY_BYTES];
    char buf[256];
    key_bytes(0, k);
    assert_int_equal(ms_keyring_format_line(k, "", buf, sizeof buf), 69);
    assert_string_equal(buf, "key " HEX_A "\n");
    assert_int_equal(ms_keyring_format_line(k, NULL, buf, 70), 69); /* exactly enough */
    assert_int_equal(ms_keyring_format_line(k, NULL, buf, 69), 0);
    const char *attrs = "send-from=2026-01-01 slot=logger";
    size_t want = 69 + 1 + strlen(attrs);
    assert_int_equal(ms_keyring_format_line(k, attrs, buf, sizeof buf), want);
    assert_string_equal(buf, "key " HEX_A " send-from=2026-01-01 slot=logger\n");
    assert_int_equal(ms_keyring_format_line(k, attrs, buf, want + 1), want);
    memset(buf, 'x', sizeof buf);
    assert_int_equal(ms_keyring_format_line(k, attrs, buf, want), 0);
    assert_int_equal(buf[0], 'x'); /* nothing written */
    if (!ms_auth_available())
        return;
    /* What it writes parses back. */
    assert_int_equal(ms_keyring_format_line(k, attrs, buf, sizeof buf), want);
    OK(parse(buf));
    assert_int_equal(kr.keys[0].key.id, GOLDEN_KEY_ID);
    assert_int_equal(kr.keys[0].send_from, T0);
    assert_string_equal(kr.keys[0].slot, "logger");
}

static int teardown(void **state)
{
    (void)state;
    ms_keyring_clear(&kr);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_formats),
        cmocka_unit_test(test_time_every_day),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_one_key_and_defaults),
        cmocka_unit_test(test_slot_and_domain_forms),
        cmocka_unit_test(test_comments_blanks_tabs_crlf),
        cmocka_unit_test(test_longest_line),
        cmocka_unit_test(test_32_keys_and_33),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_details_hide_keys),
        cmocka_unit_test(test_text_without_nul),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_without_sodium),
        cmocka_unit_test(test_covers),
        cmocka_unit_test(test_narrowest_scope_signs),
        cmocka_unit_test(test_latest_send_from_then_last),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_receiving_scope),
        cmocka_unit_test(test_format_line),
    };
    return MS_RUN_TESTS("keyring", tests, NULL, teardown);
}
