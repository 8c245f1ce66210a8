/* SPDX-License-Identifier: MIT */
/* test_api.c -- version, errors, options, info, and every argument error path. */
#include "test_util.h"

#include "ms_constants.h"

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(mailslot_version(), MAILSLOT_VERSION_NUMBER);
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
             MAILSLOT_VERSION_PATCH);
    assert_string_equal(mailslot_version_string(), want);
}

static void test_strerror(void **state)
{
    (void)state;
    const char *seen[16] = {0};
    for (int code = 0; code >= MAILSLOT_E_SYSTEM; code--) {
        const char *s = mailslot_strerror(code);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, mailslot_strerror(12345));
        for (int i = 0; i < -code; i++)
            assert_string_not_equal(s, seen[i]); /* every code has its own text */
        seen[-code] = s;
    }
    assert_non_null(mailslot_strerror(-9999));
    assert_non_null(mailslot_strerror(1));
}

static void test_detail_names_the_failure(void **state)
{
    (void)state;
    mailslot_writer *w;
    NAME(name, "detail");
    RC(MAILSLOT_E_NOT_FOUND, mailslot_open(name, NULL, &w));
    /* The detail names the slot in canonical form. */
    assert_non_null(strstr(mailslot_last_error_detail(), "\\\\.\\mailslot\\test\\detail\\"));
    /* Success leaves it alone. */
    char buf[100];
    size_t len;
    OK(mailslot_name_canonical("x", buf, sizeof buf, &len));
    assert_non_null(strstr(mailslot_last_error_detail(), "no reader owns"));
}

static void test_options_ranges(void **state)
{
    (void)state;
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 0));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 65536));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 65537));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, -1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, -1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, 0));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, INT32_MAX));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, -2));
    RC(MAILSLOT_E_INVALID,
       mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, (int64_t)INT32_MAX + 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 16777216));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 0));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 16777217));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 0));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 2));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, 0, 1));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, 999, 1));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_QUEUE_LIMIT, "5"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, 999, "x"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, 999, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(NULL, 999, "x"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(NULL, MAILSLOT_OPT_QUEUE_LIMIT, 5));
    RC(MAILSLOT_E_INVALID, mailslot_options_new(NULL));
    mailslot_options_free(o);
    mailslot_options_free(NULL);
}

static void test_bad_value_leaves_bag_unchanged(void **state)
{
    (void)state;
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 100));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 70000));
    NAME(name, "bag");
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    uint32_t max;
    OK(mailslot_info(r, &max, NULL, NULL, NULL));
    assert_int_equal(max, 100);
    mailslot_reader_close(r);
    mailslot_options_free(o);
}

static void test_info_and_defaults(void **state)
{
    (void)state;
    NAME(name, "info");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    uint32_t max = 0, next = 0, count = 99;
    int32_t timeout = 0;
    OK(mailslot_info(r, &max, &next, &count, &timeout));
    assert_int_equal(max, MAILSLOT_MAX_LOCAL_MESSAGE);
    assert_int_equal(next, MAILSLOT_NO_MESSAGE);
    assert_int_equal(count, 0);
    assert_int_equal(timeout, MAILSLOT_WAIT_FOREVER);
    OK(mailslot_info(r, NULL, NULL, NULL, NULL));

    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "abc", 3));
    OK(mailslot_write(w, "", 0));
    OK(mailslot_info(r, NULL, &next, &count, NULL));
    assert_int_equal(next, 3);
    assert_int_equal(count, 2);
    expect_text(r, "abc");
    OK(mailslot_info(r, NULL, &next, &count, NULL));
    assert_int_equal(next, 0);
    assert_int_equal(count, 1);
    OK(mailslot_set_read_timeout(r, 250));
    OK(mailslot_info(r, NULL, NULL, NULL, &timeout));
    assert_int_equal(timeout, 250);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_reader_name(void **state)
{
    (void)state;
    char name[128];
    snprintf(name, sizeof name, "Test/Reader/%d", (int)getpid());
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    char want[160], buf[160];
    size_t len;
    snprintf(want, sizeof want, "\\\\.\\mailslot\\test\\reader\\%d", (int)getpid());
    OK(mailslot_reader_name(r, buf, sizeof buf, &len));
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
    RC(MAILSLOT_E_BUFFER, mailslot_reader_name(r, buf, strlen(want), &len));
    assert_int_equal(len, strlen(want));
    RC(MAILSLOT_E_BUFFER, mailslot_reader_name(r, NULL, 0, &len));
    RC(MAILSLOT_E_INVALID, mailslot_reader_name(r, NULL, 5, &len));
    RC(MAILSLOT_E_INVALID, mailslot_reader_name(r, buf, sizeof buf, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_reader_name(NULL, buf, sizeof buf, &len));
    mailslot_reader_close(r);
}

static void test_null_arguments(void **state)
{
    (void)state;
    mailslot_reader *r;
    mailslot_writer *w;
    char buf[8];
    size_t len;
    intptr_t fd;
    NAME(name, "nulls");
    RC(MAILSLOT_E_INVALID, mailslot_create(NULL, NULL, &r));
    RC(MAILSLOT_E_INVALID, mailslot_create(name, NULL, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_open(NULL, NULL, &w));
    RC(MAILSLOT_E_INVALID, mailslot_open(name, NULL, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_read(NULL, buf, sizeof buf, &len, 0));
    RC(MAILSLOT_E_INVALID, mailslot_info(NULL, NULL, NULL, NULL, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_set_read_timeout(NULL, 0));
    RC(MAILSLOT_E_INVALID, mailslot_fd(NULL, &fd));
    RC(MAILSLOT_E_INVALID, mailslot_interrupt(NULL));
    RC(MAILSLOT_E_INVALID, mailslot_write(NULL, "x", 1));
    mailslot_reader_close(NULL);
    mailslot_writer_close(NULL);

    OK(mailslot_create(name, NULL, &r));
    RC(MAILSLOT_E_INVALID, mailslot_read(r, buf, sizeof buf, NULL, 0));
    RC(MAILSLOT_E_INVALID, mailslot_read(r, NULL, 4, &len, 0));
    RC(MAILSLOT_E_INVALID, mailslot_read(r, buf, sizeof buf, &len, -3));
    RC(MAILSLOT_E_INVALID, mailslot_set_read_timeout(r, -2));
    RC(MAILSLOT_E_INVALID, mailslot_fd(r, NULL));
    OK(mailslot_open(name, NULL, &w));
    RC(MAILSLOT_E_INVALID, mailslot_write(w, NULL, 1));
    OK(mailslot_write(w, NULL, 0)); /* no data needed for an empty message */
    expect_message(r, NULL, 0);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* mailslot_query's arguments are checked before anything is asked, in the
 * order the header lists them; a failure writes no value. With a reader on
 * this host, the answer (POSIX) or MAILSLOT_E_SYSTEM (Windows: a mailslot
 * cannot be asked). test_query.c asks readers of other processes. */
static void test_query_arguments(void **state)
{
    (void)state;
    NAME(name, "query-args");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, 5);
    const int good[] = {MAILSLOT_OPT_QUEUE_LIMIT, MAILSLOT_STAT_NET_RECEIVED};
    int64_t v[2] = {-1, -1};
    RC(MAILSLOT_E_INVALID, mailslot_query(NULL, good, v, 2, 1000));
    RC(MAILSLOT_E_INVALID, mailslot_query(name, NULL, v, 2, 1000));
    RC(MAILSLOT_E_INVALID, mailslot_query(name, good, NULL, 2, 1000));
    RC(MAILSLOT_E_INVALID, mailslot_query(name, good, v, 2, -2));
    /* Keys a reader does not report to others, or no key at all; checked
     * before the name, so also for a name nobody owns. */
    const int bad[] = {MAILSLOT_OPT_READ_TIMEOUT,
                       MAILSLOT_OPT_PORT,
                       MAILSLOT_OPT_DOMAIN,
                       0,
                       100,
                       MS_STAT_FIRST + MS_STAT_COUNT, /* after the last counter */
                       MAILSLOT_INFO_MESSAGE_COUNT + 1,
                       -1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const int keys[2] = {MAILSLOT_OPT_QUEUE_LIMIT, bad[i]};
        RC(MAILSLOT_E_INVALID, mailslot_query(name, keys, v, 2, 1000));
        assert_non_null(strstr(mailslot_last_error_detail(), "keys[1]"));
        RC(MAILSLOT_E_INVALID, mailslot_query("nobody\\here", keys, v, 2, 1000));
    }
    RC(MAILSLOT_E_NAME, mailslot_query("\\\\.\\pipe\\x", good, v, 2, 1000));
    RC(MAILSLOT_E_NAME, mailslot_query("", good, v, 2, 1000));
    RC(MAILSLOT_E_NAME, mailslot_query("\\\\*\\mailslot\\x", good, v, 2, 1000));
    assert_non_null(strstr(mailslot_last_error_detail(), "local"));
    assert_int_equal(v[0], -1);
    assert_int_equal(v[1], -1);
#ifdef _WIN32
    RC(MAILSLOT_E_SYSTEM, mailslot_query(name, good, v, 2, 1000));
    assert_non_null(strstr(mailslot_last_error_detail(), "Windows mailslot"));
    assert_int_equal(v[0], -1);
#else
    OK(mailslot_query(name, good, v, 2, MAILSLOT_WAIT_FOREVER));
    assert_int_equal(v[0], 5);
    assert_int_equal(v[1], 0);
#endif
    mailslot_reader_close(r);
}

static void test_bad_names_at_create_and_open(void **state)
{
    (void)state;
    mailslot_reader *r;
    mailslot_writer *w;
    RC(MAILSLOT_E_NAME, mailslot_create("", NULL, &r));
    RC(MAILSLOT_E_NAME, mailslot_create("\\\\.\\pipe\\x", NULL, &r));
    RC(MAILSLOT_E_NAME, mailslot_open("a\\..\\b", NULL, &w));
    /* Readers exist only for local names. */
    RC(MAILSLOT_E_NAME, mailslot_create("\\\\*\\mailslot\\x", NULL, &r));
    RC(MAILSLOT_E_NAME, mailslot_create("\\\\otherhost\\mailslot\\x", NULL, &r));
}

static void test_long_names_work(void **state)
{
    (void)state;
    /* Longer than a socket address can hold: the transport stands a digest in. */
    char name[300];
    int n = snprintf(name, sizeof name, "test\\long\\%d\\", (int)getpid());
    memset(name + n, 'q', 255 - (size_t)n);
    name[255] = '\0';
    mailslot_reader *r, *r2;
    mailslot_writer *w;
    OK(mailslot_create(name, NULL, &r));
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &r2));
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "long", 4));
    expect_text(r, "long");
    /* A different long name is a different slot. */
    name[254] = 'r';
    RC(MAILSLOT_E_NOT_FOUND, mailslot_open(name, NULL, &w));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_detail_names_the_failure),
        cmocka_unit_test(test_options_ranges),
        cmocka_unit_test(test_bad_value_leaves_bag_unchanged),
        cmocka_unit_test(test_info_and_defaults),
        cmocka_unit_test(test_reader_name),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_query_arguments),
        cmocka_unit_test(test_bad_names_at_create_and_open),
        cmocka_unit_test(test_long_names_work),
    };
    return MS_RUN_TESTS("api", tests, NULL, NULL);
}
