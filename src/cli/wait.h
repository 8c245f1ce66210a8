/* SPDX-License-Identifier: MIT */
/* wait.h -- what `mailslot listen` and `mailslot forward` need from the
 * operating system: to stop cleanly on Ctrl-C (SIGINT/SIGTERM on POSIX), and
 * to wait for the reader's mailslot_fd() or that stop. wait_posix.c does it with poll() and a
 * self-pipe, wait_win32.c with WaitForMultipleObjects() and a console
 * control handler; CMake picks one. */
#ifndef MAILSLOT_CLI_WAIT_H
#define MAILSLOT_CLI_WAIT_H

#include <stdint.h>

/* What cli_wait saw. */
enum { CLI_WAIT_READY, CLI_WAIT_STOP, CLI_WAIT_TIMEOUT, CLI_WAIT_FAILED };

/* Installs the stop handlers (and, on Windows, puts standard output in
 * binary mode so that messages come out as sent). Returns 0, or -1 after
 * printing why to stderr. */
int cli_wait_init(void);

/* 1 once a stop was requested. */
int cli_stop_requested(void);

/* Waits up to timeout_ms (-1: forever) until `ready` (from mailslot_fd)
 * signals or a stop is requested. CLI_WAIT_FAILED comes with a message
 * printed to stderr. */
int cli_wait(intptr_t ready, int timeout_ms);

/* Waits until a stop is requested. Returns 0, or -1 after printing why to
 * stderr. */
int cli_wait_stop(void);

/* Milliseconds of a monotonic clock. */
int64_t cli_now_ms(void);

#endif
