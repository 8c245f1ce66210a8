/* SPDX-License-Identifier: MIT */
/* test_cli_json.c -- the `mailslot` tool's JSON strings, base64 and UTF-8
 * check (src/cli/json.c), with the payloads scripts find awkward. */
#include "test_util.h"

#include "cli/json.h"

#include <stdlib.h>

/* A byte string with its length: literals may hold NUL. */
#define BYTES(s) s, sizeof s - 1

static void test_utf8_valid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
    } valid[] = {
        {BYTES("")},
        {BYTES("plain ASCII")},
        {BYTES("a\0b")},             /* NUL is U+0000 */
        {BYTES("\xc2\x80")},         /* U+0080, the first 2-byte */
        {BYTES("\xc3\xa9")},         /* é */
        {BYTES("\xdf\xbf")},         /* U+07FF */
        {BYTES("\xe0\xa0\x80")},     /* U+0800, the first 3-byte */
        {BYTES("\xe2\x82\xac")},     /* € */
        {BYTES("\xed\x9f\xbf")},     /* U+D7FF, just below the surrogates */
        {BYTES("\xee\x80\x80")},     /* U+E000, just above them */
        {BYTES("\xef\xbf\xbf")},     /* U+FFFF */
        {BYTES("\xf0\x90\x80\x80")}, /* U+10000, the first 4-byte */
        {BYTES("\xf0\x9f\x98\x80")}, /* 😀 */
        {BYTES("\xf4\x8f\xbf\xbf")}, /* U+10FFFF, the last */
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        assert_int_equal(cli_utf8_valid(valid[i].s, valid[i].n), 1);
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
    } invalid[] = {
        {BYTES("\x80")}, /* a continuation byte alone */
        {BYTES("\xbf")},
        {BYTES("\xc0\x80")},                 /* overlong NUL */
        {BYTES("\xc1\xbf")},                 /* overlong U+007F */
        {BYTES("\xe0\x80\x80")},             /* overlong 3-byte */
        {BYTES("\xe0\x9f\xbf")},             /* overlong U+07FF */
        {BYTES("\xf0\x80\x80\x80")},         /* overlong 4-byte */
        {BYTES("\xf0\x8f\xbf\xbf")},         /* overlong U+FFFF */
        {BYTES("\xed\xa0\x80")},             /* U+D800, a surrogate */
        {BYTES("\xed\xbf\xbf")},             /* U+DFFF */
        {BYTES("\xed\xa0\xbd\xed\xb8\x80")}, /* a surrogate pair (CESU-8) */
        {BYTES("\xf4\x90\x80\x80")},         /* U+110000 */
        {BYTES("\xf5\x80\x80\x80")},
        {BYTES("\xfe")},
        {BYTES("\xff")},
        {BYTES("\xe2\x82")}, /* truncated at the end */
        {BYTES("\xc3")},
        {BYTES("\xe2\x28\xa1")},     /* a bad second byte */
        {BYTES("\xe2\x82\x28")},     /* a bad third byte */
        {BYTES("\xf0\x9f\x98\x28")}, /* a bad fourth byte */
        {BYTES("ok \xff then ok")},  /* anywhere in the text */
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        print_message("invalid[%u]\n", (unsigned)i);
        assert_int_equal(cli_utf8_valid(invalid[i].s, invalid[i].n), 0);
    }
}

/* cli_json_string of s as a C string, within its bound. */
static char *json_string(const char *s, size_t n)
{
    char *out = malloc(CLI_JSON_STRING_MAX(n) + 1);
    assert_non_null(out);
    size_t len = cli_json_string(out, s, n);
    assert_true(len <= CLI_JSON_STRING_MAX(n));
    out[len] = '\0';
    return out;
}

static void expect_json_string(const char *s, size_t n, const char *want)
{
    char *got = json_string(s, n);
    assert_string_equal(got, want);
    free(got);
}

static void test_json_string_escapes(void **state)
{
    (void)state;
    expect_json_string(BYTES(""), "\"\"");
    expect_json_string(BYTES("say \"hi\""), "\"say \\\"hi\\\"\"");
    expect_json_string(BYTES("back\\slash"), "\"back\\\\slash\"");
    expect_json_string(BYTES("two\nlines"), "\"two\\nlines\"");
    expect_json_string(BYTES("\0nul"), "\"\\u0000nul\"");
    expect_json_string(BYTES("\x7f/"), "\"\x7f/\""); /* DEL and '/' need no escape */
    expect_json_string(BYTES("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
                       "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""); /* UTF-8 as it is */
    expect_json_string(BYTES("\\\\.\\mailslot\\x"), "\"\\\\\\\\.\\\\mailslot\\\\x\"");
}

/* Every control character, one at a time: the short escape JSON has for
 * it, else \u00XX. */
static void test_json_string_every_control_character(void **state)
{
    (void)state;
    for (int c = 0; c < 0x20; c++) {
        char in = (char)c, want[16];
        const char *short_form = c == '\b'   ? "\\b"
                                 : c == '\t' ? "\\t"
                                 : c == '\n' ? "\\n"
                                 : c == '\f' ? "\\f"
                                 : c == '\r' ? "\\r"
                                             : NULL;
        if (short_form)
            snprintf(want, sizeof want, "\"%s\"", short_form);
        else
            snprintf(want, sizeof want, "\"\\u%04x\"", (unsigned)c);
        expect_json_string(&in, 1, want);
    }
}

static void test_json_string_bound(void **state)
{
    (void)state;
    /* The longest escape for every byte: the bound is reached, not passed. */
    char in[100];
    memset(in, 1, sizeof in);
    char *got = json_string(in, sizeof in);
    assert_int_equal(strlen(got), CLI_JSON_STRING_MAX(sizeof in));
    free(got);
}

static void expect_base64(const char *s, size_t n, const char *want)
{
    char out[64];
    assert_true(CLI_BASE64_MAX(n) < sizeof out);
    size_t len = cli_base64(out, s, n);
    assert_int_equal(len, CLI_BASE64_MAX(n));
    out[len] = '\0';
    assert_string_equal(out, want);
}

static void test_base64(void **state)
{
    (void)state;
    /* RFC 4648, section 10. */
    expect_base64(BYTES(""), "");
    expect_base64(BYTES("f"), "Zg==");
    expect_base64(BYTES("fo"), "Zm8=");
    expect_base64(BYTES("foo"), "Zm9v");
    expect_base64(BYTES("foob"), "Zm9vYg==");
    expect_base64(BYTES("fooba"), "Zm9vYmE=");
    expect_base64(BYTES("foobar"), "Zm9vYmFy");
    /* Every sextet's extremes, and NUL. */
    expect_base64(BYTES("\xff\xff\xff"), "////");
    expect_base64(BYTES("\xfb\xef\xbe"), "++++");
    expect_base64(BYTES("\0\0\0\0"), "AAAAAA==");
    expect_base64(BYTES("\xc0\x80"), "wIA=");
}

static void expect_json_message(const char *slot, const char *s, size_t n, const char *want)
{
    char *out = malloc(CLI_JSON_MESSAGE_MAX(strlen(slot), n) + 1);
    assert_non_null(out);
    size_t len = cli_json_message(out, slot, s, n);
    assert_true(len <= CLI_JSON_MESSAGE_MAX(strlen(slot), n));
    out[len] = '\0';
    assert_string_equal(out, want);
    /* One line: a newline at the end and nowhere else. */
    assert_ptr_equal(strchr(out, '\n'), out + len - 1);
    free(out);
}

static void test_json_message(void **state)
{
    (void)state;
    const char *slot = "\\\\.\\mailslot\\app\\log";
    const char *head = "{\"slot\": \"\\\\\\\\.\\\\mailslot\\\\app\\\\log\", ";
    char want[256];
    snprintf(want, sizeof want, "%s\"len\": 11, \"text\": \"hello\\nworld\"}\n", head);
    expect_json_message(slot, BYTES("hello\nworld"), want);
    snprintf(want, sizeof want, "%s\"len\": 0, \"text\": \"\"}\n", head);
    expect_json_message(slot, BYTES(""), want);
    snprintf(want, sizeof want, "%s\"len\": 3, \"text\": \"\\u0000\\u0000\\n\"}\n", head);
    expect_json_message(slot, BYTES("\0\0\n"), want);
    snprintf(want, sizeof want, "%s\"len\": 4, \"base64\": \"YQpi/w==\"}\n", head);
    expect_json_message(slot, BYTES("a\nb\xff"), want);
    snprintf(want, sizeof want, "%s\"len\": 3, \"base64\": \"7aCA\"}\n", head);
    expect_json_message(slot, BYTES("\xed\xa0\x80"), want); /* a surrogate is not text */
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_json_string_escapes),
        cmocka_unit_test(test_json_string_every_control_character),
        cmocka_unit_test(test_json_string_bound),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_json_message),
    };
    return MS_RUN_TESTS("cli_json", tests, NULL, NULL);
}
