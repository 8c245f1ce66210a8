/* test_semantics.c -- one test (at least) per row of the semantics table in
 * DESIGN.md section 3 that needs no network. */
#include "test_util.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static mailslot_reader *create_with(const char *name, int key, int64_t value)
{
    mailslot_options *o;
    mailslot_reader *r = NULL;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, key, value));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

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
    /* Also from another process. */
    pid_t pid = fork();
    if (pid == 0) {
        mailslot_reader *child;
        _exit(mailslot_create(name, NULL, &child) == MAILSLOT_E_EXISTS ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
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

/* Options for a writer that may use the network, on loopback only. */
static mailslot_options *loopback_network(void)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "lo"));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, "example-domain"));
    return o;
}

/* Row: open "*", a domain or a remote host -> succeeds without any reader. */
static void test_open_remote_names_succeeds(void **state)
{
    (void)state;
    const char *names[] = {"\\\\*\\mailslot\\test\\nobody", "\\\\example-domain\\mailslot\\x",
                           "\\\\192.0.2.1\\mailslot\\x", "\\\\[2001:db8::1]\\mailslot\\x"};
    mailslot_options *o = loopback_network();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        mailslot_writer *w;
        OK(mailslot_open(names[i], o, &w));
        mailslot_writer_close(w);
    }
    /* "*" with no reader anywhere: a datagram to nobody is not an error. */
    mailslot_writer *w;
    OK(mailslot_open(names[0], o, &w));
    OK(mailslot_write(w, "into the void", 13));
    mailslot_writer_close(w);
    mailslot_options_free(o);
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
    assert_int_equal(gethostname(host, sizeof host), 0);
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

/* Row: a local write over the reader's MAX_MESSAGE_SIZE -> TOO_BIG at the writer. */
static void test_write_over_reader_limit(void **state)
{
    (void)state;
    NAME(name, "toobig");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 100);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    char buf[101] = {0};
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, buf, 101));
    assert_non_null(strstr(mailslot_last_error_detail(), "100"));
    OK(mailslot_write(w, buf, 100));
    expect_message(r, buf, 100);
    expect_empty(r); /* the oversized one was never sent */
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: over 64 KiB locally, or over the network limit -> TOO_BIG. */
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
    mailslot_options *o = loopback_network();
    OK(mailslot_open("\\\\192.0.2.1\\mailslot\\x", o, &w));
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, MAILSLOT_MAX_NETWORK_MESSAGE + 1));
    mailslot_writer_close(w);
    mailslot_options_free(o);
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

/* Row: writes never block; FIFO per writer; nothing lost until QUEUE_LIMIT,
 * then FULL, and writes succeed again after reads. */
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

static void test_queue_limit_full_then_room(void **state)
{
    (void)state;
    NAME(name, "full");
    enum { LIMIT = 5 };
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    mailslot_writer *w, *w2;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_open(name, NULL, &w2));
    for (int i = 0; i < LIMIT; i++)
        OK(mailslot_write(w, &i, sizeof i));
    /* Exactly at the limit, for every writer, and nothing was sent. (Order
     * holds per writer only, so one writer fills the queue.) */
    int extra = 99;
    RC(MAILSLOT_E_FULL, mailslot_write(w, &extra, sizeof extra));
    RC(MAILSLOT_E_FULL, mailslot_write(w2, &extra, sizeof extra));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, LIMIT);
    /* One read makes room for one write. */
    int v;
    size_t len;
    OK(mailslot_read(r, &v, sizeof v, &len, 1000));
    assert_int_equal(v, 0);
    int more = 5;
    OK(mailslot_write(w, &more, sizeof more));
    RC(MAILSLOT_E_FULL, mailslot_write(w, &extra, sizeof extra));
    for (int i = 1; i <= LIMIT; i++) {
        OK(mailslot_read(r, &v, sizeof v, &len, 1000));
        assert_int_equal(v, i);
    }
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_writer_close(w2);
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

/* Row: a restarted reader with a smaller limit is obeyed at the writer. */
static void test_restarted_reader_limits_apply(void **state)
{
    (void)state;
    NAME(name, "relimit");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    char buf[50] = {0};
    OK(mailslot_write(w, buf, 50));
    mailslot_reader_close(r);
    r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 10);
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, buf, 50));
    OK(mailslot_write(w, buf, 10));
    expect_message(r, buf, 10);
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

/* Row: wait with poll -> mailslot_fd is readable exactly while a message waits. */
static int readable(intptr_t fd, int timeout_ms)
{
    struct pollfd p = {.fd = (int)fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    assert_true(n >= 0);
    return n == 1 && (p.revents & POLLIN);
}

static void test_fd_readable_exactly_while_message_waits(void **state)
{
    (void)state;
    NAME(name, "fd");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd, fd2;
    OK(mailslot_fd(r, &fd));
    OK(mailslot_fd(r, &fd2));
    assert_int_equal(fd, fd2);
    assert_false(readable(fd, 0));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "a", 1));
    OK(mailslot_write(w, "b", 1));
    OK(mailslot_write(w, "c", 1));
    assert_true(readable(fd, 10000));
    expect_text(r, "a");
    assert_true(readable(fd, 0));
    expect_text(r, "b");
    assert_true(readable(fd, 0));
    expect_text(r, "c");
    assert_false(readable(fd, 0));
    /* A small-buffer failure keeps the message, and the fd stays readable. */
    OK(mailslot_write(w, "dd", 2));
    assert_true(readable(fd, 10000));
    char one;
    size_t len;
    RC(MAILSLOT_E_BUFFER, mailslot_read(r, &one, 1, &len, 0));
    assert_true(readable(fd, 0));
    expect_text(r, "dd");
    assert_false(readable(fd, 0));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_fd_readable_for_messages_sent_before_asked(void **state)
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
    assert_true(readable(fd, 0));
    expect_text(r, "early");
    assert_false(readable(fd, 0));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_fd_readable_when_reader_closes(void **state)
{
    (void)state;
    NAME(name, "fdclose");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd;
    OK(mailslot_fd(r, &fd));
    /* A copy keeps the descriptor's file alive after the library closes its own. */
    int copy = dup((int)fd);
    assert_true(copy >= 0);
    assert_false(readable(copy, 0));
    mailslot_reader_close(r);
    assert_true(readable(copy, 0));
    close(copy);
}

/* Row: reader process dies -> its name is free at once. */
static void test_name_free_when_reader_process_dies(void **state)
{
    (void)state;
    NAME(name, "dies");
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        mailslot_reader *r;
        char c = mailslot_create(name, NULL, &r) == MAILSLOT_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    mailslot_reader *r;
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &r));
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
    close(ready[0]);
    close(ready[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_existing_name),
        cmocka_unit_test(test_open_local_without_reader),
        cmocka_unit_test(test_open_remote_names_succeeds),
        cmocka_unit_test(test_network_off_keeps_to_this_host),
        cmocka_unit_test(test_broadcast_and_own_host_reach_local_reader_once),
        cmocka_unit_test(test_write_over_reader_limit),
        cmocka_unit_test(test_write_over_absolute_limits),
        cmocka_unit_test(test_zero_length_message),
        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_timeout_zero_returns_at_once),
        cmocka_unit_test(test_timeout_n_waits_at_least_n),
        cmocka_unit_test(test_timeout_forever_waits_for_message),
        cmocka_unit_test(test_default_read_timeout),
        cmocka_unit_test(test_burst_without_reads),
        cmocka_unit_test(test_queue_limit_full_then_room),
        cmocka_unit_test(test_writer_survives_reader_restart),
        cmocka_unit_test(test_restarted_reader_limits_apply),
        cmocka_unit_test(test_close_wakes_blocked_read),
        cmocka_unit_test(test_fd_readable_exactly_while_message_waits),
        cmocka_unit_test(test_fd_readable_for_messages_sent_before_asked),
        cmocka_unit_test(test_fd_readable_when_reader_closes),
        cmocka_unit_test(test_name_free_when_reader_process_dies),
    };
    return cmocka_run_group_tests_name("semantics", tests, NULL, NULL);
}
