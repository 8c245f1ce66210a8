/* SPDX-License-Identifier: MIT */
/* test_util.h -- shared helpers for the cmocka suites. */
#ifndef MS_TEST_UTIL_H
#define MS_TEST_UTIL_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mailslot.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The suites keep to this host whoever runs them (MAILSLOT_NETWORK=0, set
 * as each suite starts by test_platform_*.c): a reader would otherwise join
 * multicast groups, and "*" writes go out, on the real network. Tests of the
 * network set MAILSLOT_OPT_NETWORK and a loopback interface in options, which
 * override the environment. */

/* A call that must succeed; a failure names the call and the library's detail. */
#define OK(call)                                                                                   \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != MAILSLOT_OK)                                                                    \
            fail_msg("%s -> %d (%s)", #call, rc_, mailslot_last_error_detail());                   \
    } while (0)

/* A call that must return want. */
#define RC(want, call)                                                                             \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != (want))                                                                         \
            fail_msg("%s -> %d, expected %s = %d (%s)", #call, rc_, #want, (want),                 \
                     mailslot_last_error_detail());                                                \
    } while (0)

/* The main of a suite: with no argument it runs the n tests; with "--list"
 * it prints their names, one a line; with a test's name it runs that test
 * alone (with the group's setup and teardown). tests/CMakeLists.txt
 * registers each test with CTest as c_<suite>.<name>, from --list. */
static inline int ms_run_tests(int argc, char **argv, const char *group,
                               const struct CMUnitTest *tests, size_t n, CMFixtureFunction setup,
                               CMFixtureFunction teardown)
{
    if (argc > 2) {
        fprintf(stderr, "usage: %s [--list | TEST]\n", argv[0]);
        return 2;
    }
    if (argc < 2)
        return _cmocka_run_group_tests(group, tests, n, setup, teardown);
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", tests[i].name);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(tests[i].name, argv[1]) == 0)
            return _cmocka_run_group_tests(group, &tests[i], 1, setup, teardown);
    fprintf(stderr, "%s: no test %s in this suite (--list names them)\n", group, argv[1]);
    return 1;
}

/* ms_run_tests over a whole array, in a main(int argc, char **argv). */
#define MS_RUN_TESTS(group, tests, setup, teardown)                                                \
    ms_run_tests(argc, argv, (group), (tests), sizeof(tests) / sizeof((tests)[0]), (setup),        \
                 (teardown))

/* A slot name no other test, process or parallel ctest run uses. */
static inline const char *unique_name(char *buf, size_t cap, const char *tag)
{
    static atomic_int counter;
    snprintf(buf, cap, "test\\%s\\%d-%d", tag, (int)getpid(), atomic_fetch_add(&counter, 1));
    return buf;
}

#define NAME(var, tag)                                                                             \
    char var##_buf[128];                                                                           \
    const char *var = unique_name(var##_buf, sizeof var##_buf, tag)

/* A reader of name created with one integer option set (MAILSLOT_OPT_*), or
 * none when key is 0. */
static inline mailslot_reader *create_with(const char *name, int key, int64_t value)
{
    mailslot_options *o;
    mailslot_reader *r = NULL;
    OK(mailslot_options_new(&o));
    if (key)
        OK(mailslot_options_set_int(o, key, value));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

/* Heavy tests scale down under valgrind (MAILSLOT_TEST_SCALE=10 divides by 10). */
static inline long scaled(long n)
{
    const char *s = getenv("MAILSLOT_TEST_SCALE");
    long div = s ? atol(s) : 1;
    return div > 1 ? n / div : n;
}

/* scripts/test sets this for its valgrind pass. */
static inline int under_valgrind(void)
{
    return getenv("MAILSLOT_TEST_UNDER_VALGRIND") != NULL;
}

/* Reads one message that must be there within 10 s, and checks its bytes. */
static inline void expect_message(mailslot_reader *r, const void *want, size_t want_len)
{
    unsigned char buf[MAILSLOT_MAX_LOCAL_MESSAGE];
    size_t len = 12345;
    OK(mailslot_read(r, buf, sizeof buf, &len, 10000));
    assert_int_equal(len, want_len);
    if (want_len)
        assert_memory_equal(buf, want, want_len);
}

static inline void expect_text(mailslot_reader *r, const char *text)
{
    expect_message(r, text, strlen(text));
}

static inline void expect_empty(mailslot_reader *r)
{
    char buf[16];
    size_t len;
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 0));
}

/* Spins (yielding) until cond holds; a test that never gets there hangs
 * until CTest's timeout fails it. */
#define WAIT_UNTIL(cond)                                                                           \
    do {                                                                                           \
        while (!(cond))                                                                            \
            sched_yield();                                                                         \
    } while (0)

/* A read in a thread of its own, for tests of reads that block. */
typedef struct blocked_read {
    mailslot_reader *r;
    int32_t timeout;
    int rc;
    char buf[64];
    size_t len;
    pthread_t thread;
} blocked_read;

static inline void *blocked_read_run(void *arg)
{
    blocked_read *b = arg;
    b->rc = mailslot_read(b->r, b->buf, sizeof b->buf, &b->len, b->timeout);
    return NULL;
}

static inline void blocked_read_start(blocked_read *b, mailslot_reader *r, int32_t timeout)
{
    *b = (blocked_read){.r = r, .timeout = timeout, .rc = 1};
    assert_int_equal(pthread_create(&b->thread, NULL, blocked_read_run, b), 0);
}

/* The result of a read started with blocked_read_start, once it returned. */
static inline int blocked_read_join(blocked_read *b)
{
    pthread_join(b->thread, NULL);
    return b->rc;
}

#endif
