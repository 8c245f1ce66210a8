/* SPDX-License-Identifier: MIT */
/* test_syscalls.c -- what the local path costs in system calls, counted by
 * the kernel for every thread of a process (tests/bench/syscount.c, as
 * mailslot_bench counts them): a round trip between two processes costs
 * each side what a raw socket costs (one call to wake the other side, one
 * to sleep), and a writer in a burst to a reader that is busy elsewhere
 * makes almost none.
 *
 * Counts, not times: the library's timers (the I/O thread's tick, a ring
 * writer's liveness check) are set longer than the test, so that the count
 * does not depend on the machine's speed. Counting needs root or
 * kernel.perf_event_paranoid <= -1; without it the tests fail in CI and as
 * root, and skip elsewhere, saying why. */
#define _GNU_SOURCE
#include "test_util.h"

#include "test_platform.h"

#include "bench/syscount.h"
#include "linux/iothread.h"
#include "linux/local.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 2000 /* round trips counted */
#define WARM 100    /* round trips before counting: connections, first hand-overs */
#define SLACK 16    /* calls a side may make besides 2 per round trip */
#define BURST 1000  /* messages of a burst: the ring holds them all */
#define LONGER_THAN_THE_TEST (3600 * 1000)
#define FD_MESSAGES 100 /* messages counted on the mailslot_fd path */
#define FD_CTL_MAX 10   /* epoll_ctl calls they may cost in all: not one each */
/* epoll_wait calls they may cost: the I/O thread's one wait each, not a look
 * at the sockets after it, nor one by a read that finds nothing */
#define FD_WAITS_MAX (FD_MESSAGES * 3 / 2)

/* The tracepoint id, or the test fails (CI, root) or skips, saying why. */
static int tracepoint(void)
{
    char why[256];
    if (under_valgrind()) {
        /* Its count would be valgrind's own calls. */
        print_message("SKIP: valgrind makes system calls of its own\n");
        skip();
    }
    int tp = syscount_init(why, sizeof why);
    if (tp >= 0)
        return tp;
    const char *ci = getenv("CI");
    if ((ci && strcmp(ci, "true") == 0) || geteuid() == 0)
        fail_msg("cannot count system calls: %s (CI=true or root: this fails instead of skipping)",
                 why);
    print_message("SKIP: cannot count system calls: %s\n", why);
    skip();
    return -1;
}

static int timers_tick, timers_liveness;

/* The library's timers, longer than the test (set before forking, so both
 * processes have them). */
static void quiet_timers(void)
{
    timers_tick = ms_io_set_tick_ms(LONGER_THAN_THE_TEST);
    timers_liveness = ms_local_writer_set_liveness_ms(LONGER_THAN_THE_TEST);
}

static void restore_timers(void)
{
    ms_io_set_tick_ms(timers_tick);
    ms_local_writer_set_liveness_ms(timers_liveness);
}

/* A thread of another process, watched through /proc: a writer waits until
 * it sleeps in epoll_wait (a read that waits for a message, or the I/O
 * thread between events) before it writes, so that every message takes the
 * path where a sleeper is there to be rung: the count is then the same on
 * every machine, however the two processes are scheduled. */
typedef struct peer {
    int stat_fd, syscall_fd;
} peer;

static int peer_open(peer *p, pid_t pid, pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    p->stat_fd = open(path, O_RDONLY | O_CLOEXEC);
    snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
    p->syscall_fd = open(path, O_RDONLY | O_CLOEXEC);
    return p->stat_fd >= 0 && p->syscall_fd >= 0 ? 0 : -1;
}

/* The system call p sleeps in, or -1 when it does not sleep. */
static long peer_sleeping_call(const peer *p)
{
    char buf[256];
    ssize_t n = pread(p->stat_fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    const char *state = strrchr(buf, ')'); /* "pid (comm) S ..." */
    if (!state || state[1] != ' ' || state[2] != 'S')
        return -1;
    n = pread(p->syscall_fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    return strtol(buf, NULL, 10);
}

static int peer_sleeps_in_poll(const peer *p)
{
    long nr = peer_sleeping_call(p);
#ifdef SYS_poll
    if (nr == SYS_poll)
        return 1;
#endif
    return nr == SYS_ppoll;
}

static int peer_sleeps_in_epoll(const peer *p)
{
    long nr = peer_sleeping_call(p);
#ifdef SYS_epoll_wait
    if (nr == SYS_epoll_wait)
        return 1;
#endif
    return nr == SYS_epoll_pwait || nr == SYS_epoll_pwait2;
}

/* The one thread of process pid besides its main thread (the library's I/O
 * thread), or -1. */
static pid_t other_thread(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    pid_t found = -1;
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid > 0 && tid != pid) {
            found = tid;
            n++;
        }
    }
    if (d)
        closedir(d);
    return n == 1 ? found : -1;
}

/* Waits until p sleeps in epoll_wait, and poller (when not NULL) in poll.
 * Returns the system calls it made itself, counter reads included, for the
 * caller to leave out. */
static int64_t wait_for_sleepers(int counter, const peer *p, const peer *poller)
{
    int64_t before = syscount_read(counter);
    while (!peer_sleeps_in_epoll(p) || (poller && !peer_sleeps_in_poll(poller)))
        ;
    return syscount_read(counter) - before + 1;
}

static void send_all(int fd, const void *p, size_t n)
{
    assert_int_equal(write(fd, p, n), (ssize_t)n);
}

static void recv_all(int fd, void *p, size_t n)
{
    assert_int_equal(read(fd, p, n), (ssize_t)n);
}

/* In a child: 0 when cond holds, else the child exits with code. */
#define CHILD_CHECK(cond, code)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            _exit(code);                                                                           \
    } while (0)

static void wait_child(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the other side failed (status %#x)", status);
}

/* Side B of a ping-pong: reads name_b, answers on name_a; sends its count of
 * the last ROUNDS round trips on out. */
static void side_b(int tp, const char *name_a, const char *name_b, int ready, int go, int out)
{
    int counter = syscount_open(tp); /* before the reader: its I/O thread counts */
    CHILD_CHECK(counter >= 0, 10);
    mailslot_reader *r;
    CHILD_CHECK(mailslot_create(name_b, NULL, &r) == MAILSLOT_OK, 11);
    char c = 1;
    CHILD_CHECK(write(ready, &c, 1) == 1, 12);
    CHILD_CHECK(read(go, &c, 1) == 1, 13); /* name_a exists */
    mailslot_writer *w;
    CHILD_CHECK(mailslot_open(name_a, NULL, &w) == MAILSLOT_OK, 14);
    peer a;
    CHILD_CHECK(peer_open(&a, getppid(), getppid()) == 0, 18);
    char buf[64];
    size_t len;
    int64_t start = 0, aside = 0;
    for (int i = 0; i < WARM + ROUNDS; i++) {
        if (i == WARM) {
            aside = 0;
            start = syscount_read(counter);
        }
        CHILD_CHECK(mailslot_read(r, buf, sizeof buf, &len, MAILSLOT_WAIT_FOREVER) == MAILSLOT_OK,
                    15);
        aside += wait_for_sleepers(counter, &a, NULL);
        CHILD_CHECK(mailslot_write(w, buf, len) == MAILSLOT_OK, 16);
    }
    /* Less the read that took start, and what waiting for A cost. */
    int64_t calls = syscount_read(counter) - start - 1 - aside;
    CHILD_CHECK(write(out, &calls, sizeof calls) == (ssize_t)sizeof calls, 17);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
    _exit(0);
}

/* A round trip costs each side 2 system calls: the writer rings the other
 * side's doorbell, the reader sleeps. A look before sleeping, the I/O
 * thread handed the connections and back, or a doorbell read back would
 * each add one per round trip (6 a side before they went). */
static void test_round_trip_costs_two_calls_a_side(void **state)
{
    (void)state;
    int tp = tracepoint();
    NAME(name_a, "pinga");
    NAME(name_b, "pingb");
    int ready[2], go[2], out[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(out), 0);
    quiet_timers();
    pid_t pid = test_fork();
    assert_true(pid >= 0);
    if (pid == 0)
        side_b(tp, name_a, name_b, ready[1], go[0], out[1]);
    /* A child that fails closes its ends: the reads below then fail too. */
    close(ready[1]);
    close(go[0]);
    close(out[1]);
    int counter = syscount_open(tp);
    assert_true(counter >= 0);
    mailslot_reader *r;
    OK(mailslot_create(name_a, NULL, &r));
    char c;
    recv_all(ready[0], &c, 1); /* name_b exists */
    send_all(go[1], &c, 1);
    mailslot_writer *w;
    OK(mailslot_open(name_b, NULL, &w));
    peer b;
    assert_int_equal(peer_open(&b, pid, pid), 0);
    char buf[64];
    memset(buf, 'p', sizeof buf);
    size_t len;
    int64_t start = 0, aside = 0;
    for (int i = 0; i < WARM + ROUNDS; i++) {
        if (i == WARM) {
            aside = 0;
            start = syscount_read(counter);
        }
        aside += wait_for_sleepers(counter, &b, NULL);
        OK(mailslot_write(w, buf, sizeof buf));
        OK(mailslot_read(r, buf, sizeof buf, &len, MAILSLOT_WAIT_FOREVER));
        assert_int_equal(len, sizeof buf);
    }
    int64_t calls_a = syscount_read(counter) - start - 1 - aside;
    int64_t calls_b;
    recv_all(out[0], &calls_b, sizeof calls_b);
    wait_child(pid);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
    close(counter);
    restore_timers();
    print_message("system calls for %d round trips: side A %lld, side B %lld\n", ROUNDS,
                  (long long)calls_a, (long long)calls_b);
    if (calls_a > 2 * ROUNDS + SLACK || calls_b > 2 * ROUNDS + SLACK)
        fail_msg("more than 2 system calls per round trip on a side: A %.2f, B %.2f",
                 (double)calls_a / ROUNDS, (double)calls_b / ROUNDS);
}

/* The writer of a burst: sends BURST messages once told to, and its count
 * of them on out. Before each it waits until the reader's I/O thread
 * sleeps: a reader that had handed its connections to it would be rung for
 * every message. */
static void burst_writer(int tp, const char *name, int go, int out)
{
    int counter = syscount_open(tp);
    CHILD_CHECK(counter >= 0, 20);
    mailslot_writer *w;
    CHILD_CHECK(mailslot_open(name, NULL, &w) == MAILSLOT_OK, 21);
    CHILD_CHECK(mailslot_write(w, "hello", 5) == MAILSLOT_OK, 22);
    char c;
    CHILD_CHECK(read(go, &c, 1) == 1, 23);
    peer io;
    CHILD_CHECK(peer_open(&io, getppid(), other_thread(getppid())) == 0, 26);
    int64_t aside = 0;
    int64_t start = syscount_read(counter);
    for (uint32_t i = 0; i < BURST; i++) {
        char buf[64];
        memset(buf, 'b', sizeof buf);
        memcpy(buf, &i, sizeof i);
        aside += wait_for_sleepers(counter, &io, NULL);
        CHILD_CHECK(mailslot_write(w, buf, sizeof buf) == MAILSLOT_OK, 24);
    }
    int64_t calls = syscount_read(counter) - start - 1 - aside;
    CHILD_CHECK(write(out, &calls, sizeof calls) == (ssize_t)sizeof calls, 25);
    mailslot_writer_close(w);
    _exit(0);
}

/* A writer process: writer(tp, name, go, out) runs in a child, which it
 * ends; the parent gets its ends of the two pipes, *go to let the child
 * start and *out to read what it counted, and closes them itself. */
typedef void (*writer_fn)(int tp, const char *name, int go, int out);

static pid_t fork_writer(writer_fn writer, int tp, const char *name, int *go, int *out)
{
    int g[2], o[2];
    assert_int_equal(pipe(g), 0);
    assert_int_equal(pipe(o), 0);
    pid_t pid = test_fork();
    assert_true(pid >= 0);
    if (pid == 0)
        writer(tp, name, g[0], o[1]);
    close(g[0]);
    close(o[1]);
    *go = g[1];
    *out = o[0];
    return pid;
}

/* A reader that has just read and is busy elsewhere costs a writer's burst
 * nothing: the writer rings only a reader that sleeps, and the reader's
 * connections are not handed to the I/O thread (which would sleep, and be
 * rung for every message it drained) until it has been idle for a tick. */
static void test_burst_to_a_busy_reader_costs_the_writer_nothing(void **state)
{
    (void)state;
    int tp = tracepoint();
    NAME(name, "burst");
    quiet_timers();
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, 2 * BURST);
    int go, out;
    pid_t pid = fork_writer(burst_writer, tp, name, &go, &out);
    char buf[64];
    size_t len;
    OK(mailslot_read(r, buf, sizeof buf, &len, MAILSLOT_WAIT_FOREVER)); /* hello */
    /* Busy elsewhere (here: waiting for the writer) while the burst comes. */
    char c = 1;
    send_all(go, &c, 1);
    int64_t calls;
    recv_all(out, &calls, sizeof calls);
    for (uint32_t i = 0; i < BURST; i++) {
        OK(mailslot_read(r, buf, sizeof buf, &len, 0));
        uint32_t seq;
        memcpy(&seq, buf, sizeof seq);
        assert_int_equal(seq, i);
    }
    wait_child(pid);
    close(go);
    close(out);
    mailslot_reader_close(r);
    restore_timers();
    print_message("system calls of a writer for a burst of %d messages: %lld\n", BURST,
                  (long long)calls);
    if (calls >= BURST / 10)
        fail_msg("the writer made %lld system calls for %d messages to a busy reader",
                 (long long)calls, BURST);
}

/* The writer for a reader that uses mailslot_fd: once the reader exists,
 * sends WARM + FD_MESSAGES messages, each once the reader's I/O thread
 * sleeps and its main thread sleeps in poll (so each is a message both
 * are woken for, however the processes are scheduled), and its count of
 * the last FD_MESSAGES on out. */
static void fd_writer(int tp, const char *name, int go, int out)
{
    int counter = syscount_open(tp);
    CHILD_CHECK(counter >= 0, 30);
    char c;
    CHILD_CHECK(read(go, &c, 1) == 1, 31);
    mailslot_writer *w;
    CHILD_CHECK(mailslot_open(name, NULL, &w) == MAILSLOT_OK, 32);
    peer io, app;
    CHILD_CHECK(peer_open(&io, getppid(), other_thread(getppid())) == 0, 33);
    CHILD_CHECK(peer_open(&app, getppid(), getppid()) == 0, 36);
    int64_t start = 0, aside = 0;
    for (int i = 0; i < WARM + FD_MESSAGES; i++) {
        if (i == WARM) {
            aside = 0;
            start = syscount_read(counter);
        }
        aside += wait_for_sleepers(counter, &io, &app);
        CHILD_CHECK(mailslot_write(w, "hello", 5) == MAILSLOT_OK, 34);
    }
    int64_t calls = syscount_read(counter) - start - 1 - aside;
    CHILD_CHECK(write(out, &calls, sizeof calls) == (ssize_t)sizeof calls, 35);
    mailslot_writer_close(w);
    _exit(0);
}

/* What a program that polls mailslot_fd does: waits until the descriptor
 * is readable, then reads until nothing waits. The messages it took. */
static int take_ready(mailslot_reader *r, intptr_t fd)
{
    assert_true(test_fd_ready(fd, -1));
    char buf[64];
    size_t len;
    int n = 0, rc;
    while ((rc = mailslot_read(r, buf, sizeof buf, &len, 0)) == MAILSLOT_OK)
        n++;
    assert_int_equal(rc, MAILSLOT_E_TIMEOUT);
    return n;
}

/* This process's epoll_wait and epoll_pwait calls so far (glibc makes
 * either, by architecture): the sum of the counters open. */
static int64_t read_waits(const int counters[2])
{
    int64_t sum = 0;
    for (int i = 0; i < 2; i++)
        if (counters[i] >= 0)
            sum += syscount_read(counters[i]);
    return sum;
}

/* A reader that waits through mailslot_fd makes no epoll_ctl per message
 * while messages keep coming: its I/O thread stays armed on the reader's
 * connections instead of being armed again after each event. And a ring
 * writer's message costs that thread one epoll_wait, its wait (it watches
 * the doorbell on its own, so it need not look at the sockets), and the
 * program's read until empty none (every writer writes through its ring). */
static void test_fd_reader_makes_no_epoll_ctl_per_message(void **state)
{
    (void)state;
    int tp = tracepoint();
    NAME(name, "fdpath");
    quiet_timers();
    int go, out;
    pid_t pid = fork_writer(fd_writer, tp, name, &go, &out);
    /* After the fork (a counter counts the children forked after it too),
     * before the reader (its I/O thread counts). */
    int calls = syscount_open(tp), ctls = syscount_open_one(tp, SYS_epoll_ctl);
    int waits[2] = {syscount_open_one(tp, SYS_epoll_pwait), -1};
#ifdef SYS_epoll_wait
    waits[1] = syscount_open_one(tp, SYS_epoll_wait);
#endif
    assert_true(calls >= 0);
    assert_true(ctls >= 0);
    assert_true(waits[0] >= 0);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd;
    OK(mailslot_fd(r, &fd));
    char c = 1;
    send_all(go, &c, 1);
    int got = 0;
    while (got < WARM)
        got += take_ready(r, fd);
    int64_t ctls_start = syscount_read(ctls), waits_start = read_waits(waits);
    int64_t calls_start = syscount_read(calls); /* the other counters' reads before it */
    int counted_from = got;
    while (got < WARM + FD_MESSAGES)
        got += take_ready(r, fd);
    int64_t calls_reader = syscount_read(calls) - calls_start - 1; /* less this read */
    int64_t calls_ctl = syscount_read(ctls) - ctls_start;
    int64_t calls_wait = read_waits(waits) - waits_start;
    int64_t calls_writer;
    recv_all(out, &calls_writer, sizeof calls_writer);
    wait_child(pid);
    close(go);
    close(out);
    assert_int_equal(got, WARM + FD_MESSAGES);
    mailslot_reader_close(r);
    close(calls);
    close(ctls);
    for (int i = 0; i < 2; i++)
        if (waits[i] >= 0)
            close(waits[i]);
    restore_timers();
    int n = got - counted_from;
    print_message("system calls for %d messages through mailslot_fd: reader %lld (epoll_ctl "
                  "%lld, epoll_wait %lld), writer %lld\n",
                  n, (long long)calls_reader, (long long)calls_ctl, (long long)calls_wait,
                  (long long)calls_writer);
    if (calls_ctl >= FD_CTL_MAX)
        fail_msg("%lld epoll_ctl calls for %d messages through mailslot_fd", (long long)calls_ctl,
                 n);
    if (calls_wait >= FD_WAITS_MAX)
        fail_msg("%lld epoll_wait calls for %d messages through mailslot_fd", (long long)calls_wait,
                 n);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_costs_two_calls_a_side),
        cmocka_unit_test(test_burst_to_a_busy_reader_costs_the_writer_nothing),
        cmocka_unit_test(test_fd_reader_makes_no_epoll_ctl_per_message),
    };
    return MS_RUN_TESTS("syscalls", tests, NULL, NULL);
}
