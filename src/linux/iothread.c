/* SPDX-License-Identifier: MIT */
/* iothread.c -- one epoll loop per process, started with the first source and
 * stopped (joined) with the last.
 *
 * Linux only: epoll and eventfd. */
#define _GNU_SOURCE
#include "linux/iothread.h"
#include "error.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_PER_WAIT 64

static struct {
    /* life serialises starting and stopping the thread; mu guards the rest. */
    pthread_mutex_t life;
    pthread_mutex_t mu;
    pthread_t thread;
    int running;
    int epfd;
    int ctlfd; /* eventfd: wakes the loop to reap or stop */
    int sources;
    int stop;
    int orphaned; /* the thread removed the last source itself: join it later */
    ms_io_source *dead;
    ms_io_source *live; /* every registered source, for later() */
    /* 1 while the loop wakes every tick for later(); 0 while it
     * sleeps until an event (ms_io_later then wakes it once). */
    _Atomic int ticking;
} io = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, 0, 0, -1, -1, 0, 0, 0, NULL, NULL, 0};

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static _Atomic int tick_ms = MS_IO_TICK_MS;

int ms_io_set_tick_ms(int ms)
{
    return atomic_exchange(&tick_ms, ms);
}

/* A forked child has no I/O thread; start afresh (its copies of the parent's
 * descriptors are the reader module's business). */
static void child_after_fork(void)
{
    pthread_mutex_init(&io.life, NULL);
    pthread_mutex_init(&io.mu, NULL);
    if (io.epfd >= 0)
        close(io.epfd);
    if (io.ctlfd >= 0)
        close(io.ctlfd);
    io.running = 0;
    io.epfd = io.ctlfd = -1;
    io.sources = 0;
    io.stop = 0;
    io.orphaned = 0;
    io.dead = NULL;
    io.live = NULL;
    atomic_store(&io.ticking, 0);
}

static void install_atfork(void)
{
    pthread_atfork(NULL, NULL, child_after_fork);
}

static void wake_loop(void)
{
    uint64_t one = 1;
    ssize_t n = write(io.ctlfd, &one, sizeof one);
    (void)n; /* a full eventfd counter is already a wake-up */
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* the vDSO: no system call */
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void reap(ms_io_source *dead)
{
    while (dead) {
        ms_io_source *next = dead->next_dead;
        dead->release(dead);
        dead = next;
    }
}

/* Calls later() of every source that asked; those that want more stay
 * asked. Returns 1 while any source is asked. Removed sources are released
 * only after this, in the same pass (loop), so none is called freed. */
static int run_later(void)
{
    ms_io_source *due = NULL, **tail = &due;
    pthread_mutex_lock(&io.mu);
    for (ms_io_source *s = io.live; s; s = s->next_live)
        if (s->later && atomic_exchange(&s->later_wanted, 0)) {
            s->next_due = NULL;
            *tail = s;
            tail = &s->next_due;
        }
    pthread_mutex_unlock(&io.mu);
    int again = 0;
    for (ms_io_source *s = due, *next; s; s = next) {
        next = s->next_due;
        if (s->later(s)) {
            atomic_store(&s->later_wanted, 1);
            again = 1;
        }
    }
    if (again)
        return 1;
    /* Stop ticking, then look once more: ms_io_later wakes the loop only
     * when it sees ticking at 0, so one of the two sees the other. */
    atomic_store(&io.ticking, 0);
    pthread_mutex_lock(&io.mu);
    for (ms_io_source *s = io.live; s && !again; s = s->next_live)
        again = atomic_load(&s->later_wanted);
    pthread_mutex_unlock(&io.mu);
    if (again)
        atomic_store(&io.ticking, 1);
    return again;
}

static void *loop(void *arg)
{
    (void)arg;
    struct epoll_event ev[EVENTS_PER_WAIT];
    int64_t next_tick = -1;
    for (;;) {
        int timeout = -1;
        if (atomic_load(&io.ticking)) {
            int64_t now = monotonic_ms();
            if (next_tick < 0)
                next_tick = now + atomic_load(&tick_ms);
            int64_t left = next_tick > now ? next_tick - now : 0;
            timeout = left > INT32_MAX ? INT32_MAX : (int)left;
        }
        int n = epoll_wait(io.epfd, ev, EVENTS_PER_WAIT, timeout);
        int ctl = 0;
        for (int i = 0; i < n; i++) {
            ms_io_source *src = ev[i].data.ptr;
            if (src)
                src->ready(src);
            else
                ctl = 1;
        }
        int64_t now = timeout >= 0 ? monotonic_ms() : 0;
        if (timeout >= 0 && now >= next_tick)
            next_tick = run_later() ? now + atomic_load(&tick_ms) : -1;
        /* Events of this batch may name sources removed meanwhile; they are
         * released only now, after the batch, so ready() never sees freed
         * memory. */
        pthread_mutex_lock(&io.mu);
        ms_io_source *dead = io.dead;
        io.dead = NULL;
        int stop = io.stop;
        if (ctl) {
            uint64_t count;
            ssize_t r = read(io.ctlfd, &count, sizeof count);
            (void)r; /* EAGAIN: another pass cleared it */
        }
        pthread_mutex_unlock(&io.mu);
        reap(dead);
        if (stop)
            return NULL;
    }
}

static int start(void)
{
    io.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (io.epfd < 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create the I/O thread's epoll");
    io.ctlfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    int rc = MAILSLOT_OK;
    if (io.ctlfd < 0 || epoll_ctl(io.epfd, EPOLL_CTL_ADD, io.ctlfd, &ev) != 0) {
        rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create the I/O thread's eventfd");
        goto fail;
    }
    io.stop = 0;
    atomic_store(&io.ticking, 0);
    /* The thread takes no signal: a process's SIGINT must reach the
     * application's threads, not ours. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&io.thread, NULL, loop, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        rc = ms_fail_os(MAILSLOT_E_SYSTEM, err, "cannot start the I/O thread");
        goto fail;
    }
    io.running = 1;
    return MAILSLOT_OK;
fail:
    if (io.ctlfd >= 0)
        close(io.ctlfd);
    close(io.epfd);
    io.epfd = io.ctlfd = -1;
    return rc;
}

/* Under io.life: joins the thread and frees what it used. */
static void finish(void)
{
    pthread_join(io.thread, NULL);
    close(io.ctlfd);
    close(io.epfd);
    io.epfd = io.ctlfd = -1;
    io.running = 0;
    io.orphaned = 0;
}

int ms_io_add(ms_io_source *src)
{
    pthread_once(&atfork_once, install_atfork);
    pthread_mutex_lock(&io.life);
    if (io.orphaned)
        finish();
    int rc = io.running ? MAILSLOT_OK : start();
    if (rc == MAILSLOT_OK) {
        struct epoll_event ev = {.events = EPOLLIN | (src->armable ? EPOLLET : 0u),
                                 .data.ptr = src};
        atomic_init(&src->later_wanted, 0);
        if (epoll_ctl(io.epfd, EPOLL_CTL_ADD, src->fd, &ev) == 0) {
            pthread_mutex_lock(&io.mu);
            src->next_live = io.live;
            io.live = src;
            io.sources++;
            pthread_mutex_unlock(&io.mu);
        } else {
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot watch descriptor %d", src->fd);
        }
    }
    pthread_mutex_unlock(&io.life);
    return rc;
}

void ms_io_arm(ms_io_source *src, int on)
{
    /* Disarmed, the descriptor stays in the set with no event asked for;
     * armed again, epoll looks at it at once (EPOLL_CTL_MOD), so what
     * became ready meanwhile is not missed. */
    struct epoll_event ev = {.events = (on ? EPOLLIN : 0u) | EPOLLET, .data.ptr = src};
    epoll_ctl(io.epfd, EPOLL_CTL_MOD, src->fd, &ev);
}

void ms_io_later(ms_io_source *src)
{
    /* Asked already: the loop ticks until it has called later(), which
     * sees whatever the caller changed before asking again. */
    if (atomic_load_explicit(&src->later_wanted, memory_order_relaxed))
        return;
    atomic_store(&src->later_wanted, 1);
    if (atomic_load(&io.ticking))
        return;
    pthread_mutex_lock(&io.mu);
    if (!atomic_load(&io.ticking)) {
        atomic_store(&io.ticking, 1);
        wake_loop();
    }
    pthread_mutex_unlock(&io.mu);
}

void ms_io_remove(ms_io_source *src)
{
    pthread_mutex_lock(&io.life);
    epoll_ctl(io.epfd, EPOLL_CTL_DEL, src->fd, NULL);
    pthread_mutex_lock(&io.mu);
    for (ms_io_source **p = &io.live; *p; p = &(*p)->next_live)
        if (*p == src) {
            *p = src->next_live;
            break;
        }
    src->next_dead = io.dead;
    io.dead = src;
    int last = --io.sources == 0;
    io.stop = last;
    wake_loop();
    pthread_mutex_unlock(&io.mu);
    if (last && pthread_equal(pthread_self(), io.thread))
        io.orphaned = 1; /* a ready() removed the last source: the loop ends after it */
    else if (last)
        finish();
    pthread_mutex_unlock(&io.life);
}
