/* SPDX-License-Identifier: MIT */
/* test_name.c -- the name grammar: accepted and rejected forms, canonical form. */
#include "test_util.h"

#include "name.h"

static void canonical_is(const char *in, const char *want)
{
    char buf[600];
    size_t len = 0;
    int rc = mailslot_name_canonical(in, buf, sizeof buf, &len);
    if (rc != MAILSLOT_OK)
        fail_msg("\"%s\" rejected: %s", in, mailslot_last_error_detail());
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
}

static void rejected(const char *in)
{
    char buf[600];
    size_t len;
    int rc = mailslot_name_canonical(in, buf, sizeof buf, &len);
    if (rc != MAILSLOT_E_NAME)
        fail_msg("\"%s\" gave %d, expected MAILSLOT_E_NAME", in, rc);
    assert_true(strlen(mailslot_last_error_detail()) > 0);
}

static void test_full_forms(void **state)
{
    (void)state;
    canonical_is("\\\\.\\mailslot\\logger", "\\\\.\\mailslot\\logger");
    canonical_is("\\\\*\\mailslot\\logger", "\\\\*\\mailslot\\logger");
    canonical_is("\\\\Box\\mailslot\\logger", "\\\\box\\mailslot\\logger");
    canonical_is("\\\\WORKGROUP\\MailSlot\\Logger", "\\\\workgroup\\mailslot\\logger");
    canonical_is("\\\\192.0.2.7\\mailslot\\x", "\\\\192.0.2.7\\mailslot\\x");
    canonical_is("\\\\[2001:db8::1]\\mailslot\\x", "\\\\2001:db8::1\\mailslot\\x");
    canonical_is("\\\\host.example.org\\mailslot\\x", "\\\\host.example.org\\mailslot\\x");
}

static void test_bare_paths(void **state)
{
    (void)state;
    canonical_is("logger", "\\\\.\\mailslot\\logger");
    canonical_is("app\\trace", "\\\\.\\mailslot\\app\\trace");
    canonical_is("app/trace", "\\\\.\\mailslot\\app\\trace");
    /* "mailslot" as a first segment of a bare path is just a segment. */
    canonical_is("mailslot\\x", "\\\\.\\mailslot\\mailslot\\x");
}

static void test_both_separators(void **state)
{
    (void)state;
    canonical_is("//./mailslot/a/b", "\\\\.\\mailslot\\a\\b");
    canonical_is("\\/.\\mailslot/a\\b", "\\\\.\\mailslot\\a\\b");
}

static void test_case_folding(void **state)
{
    (void)state;
    canonical_is("\\\\.\\MAILSLOT\\App\\TRACE", "\\\\.\\mailslot\\app\\trace");
    /* Non-ASCII characters are kept as they are. */
    canonical_is("Caf\xc3\x89", "\\\\.\\mailslot\\caf\xc3\x89");
    char a[100], b[100];
    size_t la, lb;
    OK(mailslot_name_canonical("Logger", a, sizeof a, &la));
    OK(mailslot_name_canonical("\\\\.\\mailslot\\LOGGER", b, sizeof b, &lb));
    assert_string_equal(a, b);
}

static void test_rejected_forms(void **state)
{
    (void)state;
    rejected("");
    rejected("\\\\.\\pipe\\x");
    rejected("\\\\.\\mailslots\\x");
    rejected("\\\\.\\mailslot");
    rejected("\\\\.\\mailslot\\");
    rejected("\\\\.\\mailslot\\a\\\\b");
    rejected("\\\\.\\mailslot\\a\\");
    rejected("a//b");
    rejected("\\\\.\\mailslot\\..\\x");
    rejected("\\\\.\\mailslot\\a\\.\\x");
    rejected("..");
    rejected("\\logger");
    rejected("\\\\\\mailslot\\x"); /* empty host */
    rejected("\\\\bad host\\mailslot\\x");
    rejected("\\\\..\\mailslot\\x");
    rejected("\\\\h\xc3\xa9\\mailslot\\x"); /* non-ASCII host */
    rejected("tab\there");
    rejected("new\nline");
    rejected("del\x7f");
    rejected("bad\xff"
             "utf8");
    rejected("\xc0\xafoverlong");
    rejected("\xed\xa0\x80surrogate");
    rejected("\\\\.");
}

static void test_path_length_limit(void **state)
{
    (void)state;
    char path[300];
    memset(path, 'a', 255);
    path[255] = '\0';
    char want[400];
    snprintf(want, sizeof want, "\\\\.\\mailslot\\%s", path);
    canonical_is(path, want);
    path[255] = 'a';
    path[256] = '\0';
    rejected(path);
    /* The limit is in UTF-8 bytes: 127 two-byte characters plus one byte is 255. */
    char wide[300] = "";
    for (int i = 0; i < 127; i++)
        strcat(wide, "\xc3\xa9");
    strcat(wide, "x");
    assert_int_equal(strlen(wide), 255);
    char wide_want[400];
    snprintf(wide_want, sizeof wide_want, "\\\\.\\mailslot\\%s", wide);
    canonical_is(wide, wide_want);
    strcat(wide, "y");
    rejected(wide);
}

static void test_host_length_limit(void **state)
{
    (void)state;
    char name[400] = "\\\\";
    memset(name + 2, 'h', 253);
    strcpy(name + 255, "\\mailslot\\x");
    char buf[600];
    size_t len;
    OK(mailslot_name_canonical(name, buf, sizeof buf, &len));
    memset(name + 2, 'h', 254);
    strcpy(name + 256, "\\mailslot\\x");
    RC(MAILSLOT_E_NAME, mailslot_name_canonical(name, buf, sizeof buf, &len));
}

static void test_host_kinds(void **state)
{
    (void)state;
    ms_name n;
    OK(ms_name_parse("x", &n));
    assert_int_equal(n.kind, MS_HOST_LOCAL);
    OK(ms_name_parse("\\\\*\\mailslot\\x", &n));
    assert_int_equal(n.kind, MS_HOST_ALL);
    OK(ms_name_parse("\\\\Server\\mailslot\\x", &n));
    assert_int_equal(n.kind, MS_HOST_NAMED);
    assert_string_equal(n.host, "server");
    assert_string_equal(n.path, "x");
}

static void test_canonical_buffer(void **state)
{
    (void)state;
    const char *want = "\\\\.\\mailslot\\abc";
    char buf[64];
    size_t len = 0;
    /* Exactly the length: no room for the NUL. */
    memset(buf, 'Z', sizeof buf);
    RC(MAILSLOT_E_BUFFER, mailslot_name_canonical("abc", buf, strlen(want), &len));
    assert_int_equal(len, strlen(want));
    assert_int_equal(buf[0], 'Z');
    RC(MAILSLOT_E_BUFFER, mailslot_name_canonical("abc", NULL, 0, &len));
    assert_int_equal(len, strlen(want));
    OK(mailslot_name_canonical("abc", buf, strlen(want) + 1, &len));
    assert_string_equal(buf, want);
    RC(MAILSLOT_E_INVALID, mailslot_name_canonical(NULL, buf, sizeof buf, &len));
    RC(MAILSLOT_E_INVALID, mailslot_name_canonical("abc", buf, sizeof buf, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_name_canonical("abc", NULL, 10, &len));
}

/* Which names of a packet's target name a machine (ms_name_is_this_host on
 * every platform compares its host names so). */
static void test_host_name_matching(void **state)
{
    (void)state;
    assert_true(ms_name_host_matches("box", "box"));
    assert_true(ms_name_host_matches("box", "BOX"));
    assert_true(ms_name_host_matches("box", "box.example.org"));
    assert_true(ms_name_host_matches("box.example.org", "box"));
    assert_true(ms_name_host_matches("box.example.org", "Box.Example.Org"));
    assert_false(ms_name_host_matches("box.example.org", "box.other.org"));
    assert_false(ms_name_host_matches("box", "boxer"));
    assert_false(ms_name_host_matches("bo", "box.example.org"));
    assert_false(ms_name_host_matches("box", ""));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_forms),        cmocka_unit_test(test_bare_paths),
        cmocka_unit_test(test_both_separators),   cmocka_unit_test(test_case_folding),
        cmocka_unit_test(test_rejected_forms),    cmocka_unit_test(test_path_length_limit),
        cmocka_unit_test(test_host_length_limit), cmocka_unit_test(test_host_kinds),
        cmocka_unit_test(test_canonical_buffer),  cmocka_unit_test(test_host_name_matching),
    };
    return MS_RUN_TESTS("names", tests, NULL, NULL);
}
