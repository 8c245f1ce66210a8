/* SPDX-License-Identifier: MIT */
/* syscount.h -- counting a process's system calls, every thread of it, with
 * perf_event_open on the tracepoint raw_syscalls:sys_enter: the kernel counts,
 * the process only reads the counter (one system call per read). Needs root
 * or kernel.perf_event_paranoid <= -1. Used by mailslot_bench and net_bench. */
#ifndef MAILSLOT_BENCH_SYSCOUNT_H
#define MAILSLOT_BENCH_SYSCOUNT_H

#include <stddef.h>
#include <stdint.h>

/* One line on the method, for a report's header. */
#define SYSCOUNT_METHOD                                                                            \
    "perf_event_open on the tracepoint raw_syscalls:sys_enter, every thread of a process"

/* The tracepoint's id, after checking that a counter can be opened; or -1
 * with the reason in why. */
int syscount_init(char *why, size_t cap);
/* Opens a counter of this process's system calls from now on, the threads it
 * starts later included (so: before the library starts its threads); -1 and
 * errno on failure. */
int syscount_open(int tp);
/* The same, counting only the system call numbered nr (SYS_epoll_ctl, ...):
 * the tracepoint filtered on its id. -1 and errno on failure. */
int syscount_open_one(int tp, long nr);
/* System calls so far, this read included; -1 when fd < 0 or on failure. */
int64_t syscount_read(int fd);

#endif
