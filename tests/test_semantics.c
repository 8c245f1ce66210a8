/* SPDX-License-Identifier: MIT */
/* test_semantics.c -- one test (at least) per row of the semantics table
 * (README.md, "Semantics"; the header, abi/mailslot.h, says the same call by
 * call) that needs no network and holds the same on every platform. Rows that need processes,
 * descriptors, or that Windows gives differently are in test_semantics_posix.c and
 * test_semantics_win32.c. */
#include "test_util.h"

#include "test_platform.h"

#include <time.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Row: create a name a reader already owns on this host -> EXISTS. */
static void test_create_existing_name(void **state)
{
    (void)state;
    NAME(name, "exists");
    mailslot_reader *r, *r2;
    OK(mailslot_create(name, NULL, &r));
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &r2));
    /* Names are case-insensitive and separator-agnostic. */
    char upper[256];
    snprintf(upper, sizeof upper, "//./MAILSLOT/%s", name);
    for (char *p = upper; *p; p++)
        if (*p == '\\')
            *p = '/';
    RC(MAILSLOT_E_EXISTS, mailslot_create(upper, NULL, &r2));
    mailslot_reader_close(r);
    /* Closing frees the name at once. */
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
}

/* Row: open a "." name with no reader -> NOT_FOUND. */
static void test_open_local_without_reader(void **state)
{
    (void)state;
    NAME(name, "noreader");
    mailslot_writer *w = NULL;
    RC(MAILSLOT_E_NOT_FOUND, mailslot_open(name, NULL, &w));
    assert_null(w);
    char full[160];
    snprintf(full, sizeof full, "\\\\.\\mailslot\\%s", name);
    RC(MAILSLOT_E_NOT_FOUND, mailslot_open(full, NULL, &w));
}

/* Row: with the network off, names beyond this host cannot be opened; "*"
 * and this host's domains still reach this host. */
static void test_network_off_keeps_to_this_host(void **state)
{
    (void)state;
    mailslot_writer *w = NULL;
    RC(MAILSLOT_E_NETWORK, mailslot_open("\\\\192.0.2.1\\mailslot\\x", NULL, &w));
    assert_null(w);
    assert_non_null(strstr(mailslot_last_error_detail(), "network is off"));
    RC(MAILSLOT_E_NETWORK, mailslot_open("\\\\otherdomain\\mailslot\\x", NULL, &w));
    OK(mailslot_open("\\\\*\\mailslot\\x", NULL, &w));
    mailslot_writer_close(w);
    OK(mailslot_open("\\\\workgroup\\mailslot\\x", NULL, &w)); /* the default domain */
    mailslot_writer_close(w);
}

/* Row: writes to "*" and to this host's name reach this host's reader once. */
static void test_broadcast_and_own_host_reach_local_reader_once(void **state)
{
    (void)state;
    NAME(name, "bcast");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    char host[256];
    test_host_name(host, sizeof host);
    const char *hosts[] = {"*", host, "localhost", "127.0.0.1"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        char full[512];
        snprintf(full, sizeof full, "\\\\%s\\mailslot\\%s", hosts[i], name);
        mailslot_writer *w;
        OK(mailslot_open(full, NULL, &w));
        OK(mailslot_write(w, hosts[i], strlen(hosts[i])));
        mailslot_writer_close(w);
        expect_text(r, hosts[i]);
        expect_empty(r);
    }
    mailslot_reader_close(r);
}

/* Row: over 64 KiB locally, or over the network limit to "*" -> TOO_BIG (to
 * another host: test_semantics_posix.c). */
static void test_write_over_absolute_limits(void **state)
{
    (void)state;
    NAME(name, "limits");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    static unsigned char big[MAILSLOT_MAX_LOCAL_MESSAGE + 1];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7);
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, sizeof big));
    OK(mailslot_write(w, big, MAILSLOT_MAX_LOCAL_MESSAGE));
    expect_message(r, big, MAILSLOT_MAX_LOCAL_MESSAGE);
    mailslot_writer_close(w);

    char all[160];
    snprintf(all, sizeof all, "\\\\*\\mailslot\\%s", name);
    OK(mailslot_open(all, NULL, &w));
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, MAILSLOT_MAX_NETWORK_MESSAGE + 1));
    OK(mailslot_write(w, big, MAILSLOT_MAX_NETWORK_MESSAGE));
    expect_message(r, big, MAILSLOT_MAX_NETWORK_MESSAGE);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: a zero-length message is delivered as a zero-length message. */
static void test_zero_length_message(void **state)
{
    (void)state;
    NAME(name, "zero");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "", 0));
    OK(mailslot_write(w, "after", 5));
    uint32_t next, count;
    OK(mailslot_info(r, NULL, &next, &count, NULL));
    assert_int_equal(next, 0);
    assert_int_equal(count, 2);
    size_t len = 99;
    OK(mailslot_read(r, NULL, 0, &len, 1000));
    assert_int_equal(len, 0);
    expect_text(r, "after");
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: read with a small buffer -> BUFFER, *len = size needed, message kept. */
static void test_small_buffer(void **state)
{
    (void)state;
    NAME(name, "smallbuf");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "0123456789", 10));
    char buf[16];
    size_t len = 0;
    RC(MAILSLOT_E_BUFFER, mailslot_read(r, buf, 9, &len, 1000));
    assert_int_equal(len, 10);
    len = 0;
    RC(MAILSLOT_E_BUFFER, mailslot_read(r, NULL, 0, &len, 1000));
    assert_int_equal(len, 10);
    expect_text(r, "0123456789");
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: empty queue with timeout 0 / N ms / forever. */
static void test_timeout_zero_returns_at_once(void **state)
{
    (void)state;
    NAME(name, "t0");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    expect_empty(r);
    mailslot_reader_close(r);
}

static void test_timeout_n_waits_at_least_n(void **state)
{
    (void)state;
    NAME(name, "tn");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    char buf[8];
    size_t len;
    int64_t start = now_ms();
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 120));
    assert_true(now_ms() - start >= 120); /* never gives up early */
    mailslot_reader_close(r);
}

#include "testing.h"

static void test_timeout_forever_waits_for_message(void **state)
{
    (void)state;
    NAME(name, "tforever");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    blocked_read b;
    blocked_read_start(&b, r, MAILSLOT_WAIT_FOREVER);
    WAIT_UNTIL(ms_testing_waiting_reads(r) == 1);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "wake", 4));
    RC(MAILSLOT_OK, blocked_read_join(&b));
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.buf, "wake", 4);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_default_read_timeout(void **state)
{
    (void)state;
    NAME(name, "tdefault");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_READ_TIMEOUT, 0);
    char buf[8];
    size_t len;
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, MAILSLOT_USE_DEFAULT));
    OK(mailslot_set_read_timeout(r, 60));
    int64_t start = now_ms();
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, MAILSLOT_USE_DEFAULT));
    assert_true(now_ms() - start >= 60);
    /* Forever as the default: a message ends the wait. */
    OK(mailslot_set_read_timeout(r, MAILSLOT_WAIT_FOREVER));
    blocked_read b;
    blocked_read_start(&b, r, MAILSLOT_USE_DEFAULT);
    WAIT_UNTIL(ms_testing_waiting_reads(r) == 1);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "d", 1));
    RC(MAILSLOT_OK, blocked_read_join(&b));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: writes never block; FIFO per writer; nothing lost below QUEUE_LIMIT
 * (what happens at the limit: test_semantics_posix.c, _win32.c). */
static void test_burst_without_reads(void **state)
{
    (void)state;
    NAME(name, "burst");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    enum { N = 10000 };
    for (int i = 0; i < N; i++)
        OK(mailslot_write(w, &i, sizeof i));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, N);
    for (int i = 0; i < N; i++) {
        int v = -1;
        size_t len;
        OK(mailslot_read(r, &v, sizeof v, &len, 10000));
        assert_int_equal(v, i);
    }
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: a writer outlives a reader that restarts under the same name. */
static void test_writer_survives_reader_restart(void **state)
{
    (void)state;
    NAME(name, "restart");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "one", 3));
    expect_text(r, "one");
    mailslot_reader_close(r);
    /* No reader now: the write says so. */
    RC(MAILSLOT_E_NOT_FOUND, mailslot_write(w, "lost", 4));
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_write(w, "two", 3));
    expect_text(r, "two");
    /* Restarted while the writer was connected: the next write gets through. */
    mailslot_reader_close(r);
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_write(w, "three", 5));
    expect_text(r, "three");
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: reader closed from another thread while one thread blocks in read. */
static void test_close_wakes_blocked_read(void **state)
{
    (void)state;
    NAME(name, "closewake");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    blocked_read b;
    blocked_read_start(&b, r, MAILSLOT_WAIT_FOREVER);
    WAIT_UNTIL(ms_testing_waiting_reads(r) == 1);
    mailslot_reader_close(r);
    RC(MAILSLOT_E_CLOSED, blocked_read_join(&b));
    /* The name is free once close returned. */
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
}

/* Row: a writer of "*" opened before this host has a reader -> its writes
 * succeed (datagrams), and once a reader exists, then after it closes and
 * another comes, each gets what is written while it runs. */
static void test_broadcast_writer_finds_readers_that_come_later(void **state)
{
    (void)state;
    NAME(name, "bcast-later");
    char full[512];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, NULL, &w));
    for (int i = 0; i < 3; i++)
        OK(mailslot_write(w, "nobody", 6)); /* no reader: a datagram to nobody */
    for (int round = 0; round < 2; round++) {
        mailslot_reader *r;
        OK(mailslot_create(name, NULL, &r));
        OK(mailslot_write(w, "now", 3));
        expect_text(r, "now");
        expect_empty(r);
        mailslot_reader_close(r);
        OK(mailslot_write(w, "gone", 4));
    }
    mailslot_writer_close(w);
}

/* Row: wait on mailslot_fd (poll on POSIX, WaitForSingleObject on Windows)
 * -> it is ready exactly while a message waits. */
static void test_fd_ready_exactly_while_message_waits(void **state)
{
    (void)state;
    NAME(name, "fd");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd, fd2;
    OK(mailslot_fd(r, &fd));
    OK(mailslot_fd(r, &fd2));
    assert_int_equal(fd, fd2);
    assert_false(test_fd_ready(fd, 0));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "a", 1));
    OK(mailslot_write(w, "b", 1));
    OK(mailslot_write(w, "c", 1));
    assert_true(test_fd_ready(fd, 10000));
    expect_text(r, "a");
    assert_true(test_fd_ready(fd, 0));
    expect_text(r, "b");
    assert_true(test_fd_ready(fd, 0));
    expect_text(r, "c");
    assert_false(test_fd_ready(fd, 0));
    /* A small-buffer failure keeps the message, and fd stays ready. */
    OK(mailslot_write(w, "dd", 2));
    assert_true(test_fd_ready(fd, 10000));
    char one;
    size_t len;
    RC(MAILSLOT_E_BUFFER, mailslot_read(r, &one, 1, &len, 0));
    assert_int_equal(len, 2);
    assert_true(test_fd_ready(fd, 0));
    expect_text(r, "dd");
    assert_false(test_fd_ready(fd, 0));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_fd_ready_for_messages_sent_before_asked(void **state)
{
    (void)state;
    NAME(name, "fdlate");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "early", 5));
    intptr_t fd;
    OK(mailslot_fd(r, &fd));
    assert_true(test_fd_ready(fd, 10000));
    expect_text(r, "early");
    assert_false(test_fd_ready(fd, 0));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_fd_ready_when_reader_closes(void **state)
{
    (void)state;
    NAME(name, "fdclose");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd;
    OK(mailslot_fd(r, &fd));
    /* A copy keeps the file (or event) alive after the library closes its own. */
    intptr_t copy = test_fd_copy(fd);
    assert_false(test_fd_ready(copy, 0));
    mailslot_reader_close(r);
    assert_true(test_fd_ready(copy, 0));
    test_fd_close(copy);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_existing_name),
        cmocka_unit_test(test_open_local_without_reader),
        cmocka_unit_test(test_network_off_keeps_to_this_host),
        cmocka_unit_test(test_broadcast_and_own_host_reach_local_reader_once),
        cmocka_unit_test(test_write_over_absolute_limits),
        cmocka_unit_test(test_zero_length_message),
        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_timeout_zero_returns_at_once),
        cmocka_unit_test(test_timeout_n_waits_at_least_n),
        cmocka_unit_test(test_timeout_forever_waits_for_message),
        cmocka_unit_test(test_default_read_timeout),
        cmocka_unit_test(test_burst_without_reads),
        cmocka_unit_test(test_writer_survives_reader_restart),
        cmocka_unit_test(test_close_wakes_blocked_read),
        cmocka_unit_test(test_broadcast_writer_finds_readers_that_come_later),
        cmocka_unit_test(test_fd_ready_exactly_while_message_waits),
        cmocka_unit_test(test_fd_ready_for_messages_sent_before_asked),
        cmocka_unit_test(test_fd_ready_when_reader_closes),
    };
    return MS_RUN_TESTS("semantics", tests, NULL, NULL);
}
