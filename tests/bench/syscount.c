/* SPDX-License-Identifier: MIT */
/* syscount.c -- see syscount.h. */
#define _GNU_SOURCE
#include "syscount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tp_paths[] = {
    "/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
    "/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
};

static int read_tp_id(const char *path)
{
    FILE *f = fopen(path, "r");
    int id = -1;
    if (f) {
        if (fscanf(f, "%d", &id) != 1)
            id = -1;
        fclose(f);
    }
    return id;
}

/* Where tracefs is not mounted, a child mounts it in a mount namespace of
 * its own (root only) to read the id, which is the kernel's: the system's
 * mounts stay as they were. */
static int tp_id_private_mount(void)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int id = -1;
        if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
            mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
            id = read_tp_id(tp_paths[0]);
        _exit(write(p[1], &id, sizeof id) == sizeof id ? 0 : 1);
    }
    close(p[1]);
    int id = -1;
    if (pid < 0 || read(p[0], &id, sizeof id) != sizeof id)
        id = -1;
    close(p[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return id;
}

int syscount_open(int tp)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_TRACEPOINT;
    a.config = (uint64_t)tp;
    a.inherit = 1; /* the threads started after the counter count too */
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

int syscount_open_one(int tp, long nr)
{
    int fd = syscount_open(tp);
    char filter[32];
    snprintf(filter, sizeof filter, "id == %ld", nr);
    if (fd >= 0 && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        fd = -1;
    }
    return fd;
}

int syscount_init(char *why, size_t cap)
{
    int tp = read_tp_id(tp_paths[0]);
    int err = errno; /* the first path's: the usual place */
    for (size_t i = 1; tp < 0 && i < sizeof tp_paths / sizeof tp_paths[0]; i++)
        tp = read_tp_id(tp_paths[i]);
    if (tp < 0 && geteuid() == 0)
        tp = tp_id_private_mount();
    if (tp < 0) {
        snprintf(why, cap, "no id of raw_syscalls:sys_enter in tracefs: %s%s", strerror(err),
                 geteuid() == 0 ? "" : "; tracefs needs root");
        return -1;
    }
    int fd = syscount_open(tp);
    if (fd < 0) {
        snprintf(why, cap, "perf_event_open: %s; needs root or kernel.perf_event_paranoid <= -1",
                 strerror(errno));
        return -1;
    }
    close(fd);
    return tp;
}

int64_t syscount_read(int fd)
{
    uint64_t v;
    if (fd < 0 || read(fd, &v, sizeof v) != sizeof v)
        return -1;
    return (int64_t)v;
}
