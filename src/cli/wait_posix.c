/* SPDX-License-Identifier: MIT */
/* wait_posix.c -- wait.h with poll() on two descriptors: the reader's
 * mailslot_fd(), readable while a message waits, and the read end of a
 * self-pipe that the SIGINT/SIGTERM handler writes to. The handler calls no
 * library function. */
#define _POSIX_C_SOURCE 200809L
#include "wait.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_requested;

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    stop_requested = 1;
    ssize_t n = write(signal_pipe[1], &b, 1); /* full pipe: a byte is there already */
    (void)n;
    errno = saved;
}

int cli_wait_init(void)
{
    int ok = pipe(signal_pipe) == 0;
    for (int i = 0; ok && i < 2; i++) {
        int fl = fcntl(signal_pipe[i], F_GETFL);
        ok = fl >= 0 && fcntl(signal_pipe[i], F_SETFL, fl | O_NONBLOCK) == 0 &&
             fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC) == 0;
    }
    if (ok) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        /* Also overrides an inherited SIG_IGN (a background job's SIGINT). */
        ok = sigaction(SIGINT, &sa, NULL) == 0 && sigaction(SIGTERM, &sa, NULL) == 0;
    }
    if (!ok)
        fprintf(stderr, "mailslot: cannot set up signal handling: %s\n", strerror(errno));
    return ok ? 0 : -1;
}

int cli_stop_requested(void)
{
    return stop_requested != 0;
}

int cli_wait(intptr_t ready, int timeout_ms)
{
    struct pollfd p[2] = {{.fd = signal_pipe[0], .events = POLLIN},
                          {.fd = (int)ready, .events = POLLIN}};
    int n = poll(p, 2, timeout_ms);
    if (n < 0 && errno != EINTR) {
        fprintf(stderr, "mailslot: cannot wait for messages: %s\n", strerror(errno));
        return CLI_WAIT_FAILED;
    }
    if (stop_requested || (n > 0 && p[0].revents))
        return CLI_WAIT_STOP;
    /* EINTR counts as a timeout: the caller looks at the clock again. */
    return n > 0 ? CLI_WAIT_READY : CLI_WAIT_TIMEOUT;
}

int cli_wait_stop(void)
{
    struct pollfd p = {.fd = signal_pipe[0], .events = POLLIN};
    while (!stop_requested) {
        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
            fprintf(stderr, "mailslot: cannot wait for a signal: %s\n", strerror(errno));
            return -1;
        }
    }
    return 0;
}

int64_t cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
