/* SPDX-License-Identifier: MIT */
/* test_bridgefeed.c -- a writer's copies for a bridge on its host
 * (os.h, ms_plat_bridge_feed; src/linux/bridgefeed.c), against a test
 * socket listening on the feed's name: each copy arrives whole, in each
 * thread's order; nothing is sent where no bridge listens, nor for a second
 * port; a bridge that went away and came back gets the next copies; a
 * bridge that reads nothing never holds a writer up. Each test starts with
 * the feed as a new process has it (setup), also where the tests run one
 * after another in one process (valgrind); ports come from the pid and the
 * test's number, so that parallel tests, and a test after one that failed
 * with its listener open, listen on names of their own. */
#define _GNU_SOURCE /* accept4 */
#include "linux/bridgefeed.h"
#include "os.h"

#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

enum { THREADS = 4, PER_THREAD = 500 };

static int test_number; /* of the tests run in this process */

static uint16_t test_port(int which)
{
    return (uint16_t)(10000 + (getpid() % 5000) * 10 + test_number * 2 + which);
}

static int setup(void **state)
{
    (void)state;
    test_number++;
    ms_bridge_feed_reset_for_testing();
    return 0;
}

/* A listener on the feed's name for port. */
static int bridge_listen(uint16_t port)
{
    struct sockaddr_un sa;
    socklen_t len;
    ms_bridge_feed_address(port, &sa, &len);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    if (bind(fd, (struct sockaddr *)&sa, len) != 0 || listen(fd, 8) != 0)
        fail_msg("cannot listen on the feed's name: %s", strerror(errno));
    return fd;
}

/* The connection a writer made to listener, or -1 when none waits. */
static int bridge_accept(int listener)
{
    struct pollfd p = {.fd = listener, .events = POLLIN};
    if (poll(&p, 1, 0) != 1)
        return -1;
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

/* The next record on conn, waiting for it; its length, or 0 at the end. */
static size_t next_record(int conn, char *buf, size_t cap)
{
    ssize_t n = recv(conn, buf, cap, 0);
    assert_true(n >= 0);
    return (size_t)n;
}

/* The next record on conn is text. */
static void expect_record(int conn, const char *text)
{
    char b[64];
    size_t n = next_record(conn, b, sizeof b);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(b, text, n);
}

/* A record that is not there now: the connection has nothing waiting. */
static void assert_nothing_waits(int conn)
{
    char b[64];
    errno = 0;
    assert_int_equal(recv(conn, b, sizeof b, MSG_DONTWAIT), -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void feed_text(uint16_t port, const char *text)
{
    ms_plat_bridge_feed(port, (const unsigned char *)text, strlen(text));
}

static void test_nothing_where_no_bridge_listens(void **state)
{
    (void)state;
    uint16_t port = test_port(0);
    feed_text(port, "nobody hears this"); /* no bridge: returns, sends nothing */
    int l = bridge_listen(port);
    feed_text(port, "nor this: the next look is a second away");
    assert_int_equal(bridge_accept(l), -1);
    ms_bridge_feed_look_now_for_testing();
    feed_text(port, "this one");
    int c = bridge_accept(l);
    assert_true(c >= 0);
    expect_record(c, "this one");
    assert_nothing_waits(c);
    close(c);
    close(l);
}

static void test_only_the_first_port_is_fed(void **state)
{
    (void)state;
    int l0 = bridge_listen(test_port(0)), l1 = bridge_listen(test_port(1));
    feed_text(test_port(0), "first");
    feed_text(test_port(1), "second port");
    ms_bridge_feed_look_now_for_testing();
    feed_text(test_port(1), "second port again");
    assert_int_equal(bridge_accept(l1), -1);
    int c = bridge_accept(l0);
    assert_true(c >= 0);
    char b[64];
    assert_int_equal(next_record(c, b, sizeof b), strlen("first"));
    assert_nothing_waits(c);
    close(c);
    close(l0);
    close(l1);
}

static void *feed_thread(void *arg)
{
    int t = (int)(intptr_t)arg;
    char text[32];
    for (int i = 0; i < PER_THREAD; i++) {
        int n = snprintf(text, sizeof text, "%d %d", t, i);
        ms_plat_bridge_feed(test_port(0), (const unsigned char *)text, (size_t)n);
    }
    return NULL;
}

/* THREADS writers at once: every record that arrives is whole, and each
 * thread's arrive in its order (a copy with no room is dropped, so some may
 * be missing where the kernel gives a small send buffer). */
static void test_copies_from_threads_arrive_whole_in_order(void **state)
{
    (void)state;
    int l = bridge_listen(test_port(0));
    feed_text(test_port(0), "start"); /* connects */
    int c = bridge_accept(l);
    assert_true(c >= 0);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, feed_thread, (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    char b[64];
    assert_int_equal(next_record(c, b, sizeof b), strlen("start"));
    int last[THREADS];
    size_t got = 0;
    for (int t = 0; t < THREADS; t++)
        last[t] = -1;
    for (;;) {
        ssize_t n = recv(c, b, sizeof b - 1, MSG_DONTWAIT);
        if (n < 0)
            break;
        b[n] = '\0';
        int t, i;
        if (sscanf(b, "%d %d", &t, &i) != 2 || t < 0 || t >= THREADS || i <= last[t])
            fail_msg("record %zu is \"%s\": torn, or out of its thread's order", got, b);
        last[t] = i;
        got++;
    }
    assert_true(got > 0);
    print_message("bridgefeed: %zu of %d copies arrived\n", got, THREADS * PER_THREAD);
    close(c);
    close(l);
}

/* The bridge goes away: the copy after it ends is lost, and once a bridge
 * listens again the writer connects to it, on the same descriptor. */
static void test_a_bridge_that_comes_back_gets_the_next_copies(void **state)
{
    (void)state;
    int l = bridge_listen(test_port(0));
    feed_text(test_port(0), "before");
    int c = bridge_accept(l);
    assert_true(c >= 0);
    close(c);
    close(l);
    feed_text(test_port(0), "while away"); /* fails: the feed is no longer connected */
    l = bridge_listen(test_port(0));
    feed_text(test_port(0), "too soon: the next look is a second away");
    assert_int_equal(bridge_accept(l), -1);
    ms_bridge_feed_look_now_for_testing();
    feed_text(test_port(0), "after");
    c = bridge_accept(l);
    assert_true(c >= 0);
    expect_record(c, "after");
    close(c);
    close(l);
}

/* A bridge that never reads: the writer's sends find no room and return at
 * once, far more of them than any send buffer holds. */
static void test_a_bridge_that_reads_nothing_never_holds_a_writer_up(void **state)
{
    (void)state;
    int l = bridge_listen(test_port(0));
    unsigned char packet[1024];
    memset(packet, 'x', sizeof packet);
    for (int i = 0; i < 20000; i++) /* 20 MB: more than net.core.wmem_max allows */
        ms_plat_bridge_feed(test_port(0), packet, sizeof packet);
    int c = bridge_accept(l);
    assert_true(c >= 0);
    close(c);
    close(l);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_nothing_where_no_bridge_listens, setup),
        cmocka_unit_test_setup(test_only_the_first_port_is_fed, setup),
        cmocka_unit_test_setup(test_copies_from_threads_arrive_whole_in_order, setup),
        cmocka_unit_test_setup(test_a_bridge_that_comes_back_gets_the_next_copies, setup),
        cmocka_unit_test_setup(test_a_bridge_that_reads_nothing_never_holds_a_writer_up, setup),
    };
    return ms_run_tests(argc, argv, "bridgefeed", tests, sizeof tests / sizeof tests[0], NULL,
                        NULL);
}
