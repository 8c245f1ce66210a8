/* SPDX-License-Identifier: MIT */
/* test_platform_posix.c -- test_platform.h on POSIX. */
#include "test_util.h"

#include "test_platform.h"

#include <dirent.h>
#include <poll.h>
#include <stdio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

const int test_native_readers = 0;

/* Every suite keeps to this host (see test_util.h). */
__attribute__((constructor)) static void keep_tests_local(void)
{
    setenv("MAILSLOT_NETWORK", "0", 1);
}

void test_host_name(char *buf, size_t cap)
{
    if (gethostname(buf, cap) != 0)
        buf[0] = '\0';
    buf[cap - 1] = '\0';
}

void test_setenv(const char *name, const char *value)
{
    setenv(name, value, 1);
}

void test_unsetenv(const char *name)
{
    unsetenv(name);
}

int test_fd_ready(intptr_t fd, int timeout_ms)
{
    struct pollfd p = {.fd = (int)fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    assert_true(n >= 0);
    return n == 1 && (p.revents & POLLIN);
}

intptr_t test_fd_copy(intptr_t fd)
{
    int copy = dup((int)fd);
    assert_true(copy >= 0);
    return copy;
}

void test_fd_close(intptr_t fd)
{
    close((int)fd);
}

const char *test_temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && dir[0] ? dir : "/tmp";
}

const char *test_loopback_interface(void)
{
    return "lo";
}

int test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

void test_udp_send(int ipv6, int port, const void *bytes, size_t len)
{
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    ssize_t sent;
    if (ipv6) {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                                 .sin6_port = htons((uint16_t)port),
                                 .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        sent = sendto(fd, bytes, len, 0, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        sent = sendto(fd, bytes, len, 0, (struct sockaddr *)&a, sizeof a);
    }
    assert_int_equal(sent, (ssize_t)len);
    close(fd);
}

int test_have_ipv6(void)
{
    int probe = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int have = probe >= 0 && bind(probe, (struct sockaddr *)&lo6, sizeof lo6) == 0;
    if (probe >= 0)
        close(probe);
    return have;
}

intptr_t test_udp_bind(int port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

void test_udp_close(intptr_t s)
{
    close((int)s);
}

struct test_process {
    pid_t pid;
};

/* ThreadSanitizer's runtime has a thread of its own (GCC's and clang's
 * alike): it sleeps in nanosleep, holding none of the runtime's locks, and
 * wakes every 100 ms to tidy the runtime's memory. */
#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif
#ifndef TEST_TSAN
#define TEST_TSAN 0
#endif

/* 1 when thread tid of this process is blocked in epoll_wait or
 * epoll_pwait (or, under ThreadSanitizer, nanosleep: its runtime's thread):
 * /proc/self/task/TID/syscall starts with the number of the call a blocked
 * thread is in, and says "running" for one that is not. */
static int thread_in_epoll_wait(const char *tid)
{
    char path[sizeof "/proc/self/task//syscall" + 256], line[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%s/syscall", tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1; /* the thread has ended */
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    long nr = strtol(line, NULL, 10);
    return line[0] >= '0' && line[0] <= '9' &&
           (nr == SYS_epoll_wait || nr == SYS_epoll_pwait || (TEST_TSAN && nr == SYS_nanosleep));
}

static int other_threads_idle(void)
{
    char self[32];
    snprintf(self, sizeof self, "%ld", (long)syscall(SYS_gettid));
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    int idle = 1;
    for (struct dirent *e; idle && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' && strcmp(e->d_name, self) != 0)
            idle = thread_in_epoll_wait(e->d_name);
    closedir(d);
    return idle;
}

pid_t test_fork(void)
{
    WAIT_UNTIL(other_threads_idle());
    pid_t pid = fork();
    assert_true(pid >= 0);
    return pid;
}

/* Forks a child that creates the reader `name` with the options o (NULL:
 * the defaults) and then sleeps until it is killed, or its parent ends.
 * Returns the child once its reader exists; fails the test when the child
 * could not create it. */
static pid_t reader_child(const char *name, const mailslot_options *o)
{
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        /* Gone with the test, even when the test fails before killing it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(ready[0]);
        mailslot_reader *r;
        char c = mailslot_create(name, o, &r) == MAILSLOT_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1 || c != 'y')
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    if (c != 'y')
        fail_msg("the child process could not create the reader %s", name);
    return pid;
}

static test_process *reader_process(const char *name, const mailslot_options *o)
{
    test_process *p = malloc(sizeof *p);
    assert_non_null(p);
    p->pid = reader_child(name, o);
    return p;
}

test_process *test_reader_process(const char *name)
{
    return reader_process(name, NULL);
}

test_process *test_forwarder_process(const char *name, int port)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, port));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    test_process *p = reader_process(name, o);
    mailslot_options_free(o);
    return p;
}

void test_process_kill(test_process *p)
{
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    free(p);
}
