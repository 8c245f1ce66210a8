/* SPDX-License-Identifier: MIT */
/* iothread.h -- the one I/O thread of a process. It exists while at least one
 * source is registered, and calls a source's ready() when its descriptor is
 * readable. It knows nothing of mailslots. */
#ifndef MS_LINUX_IOTHREAD_H
#define MS_LINUX_IOTHREAD_H

#include <stdatomic.h>

typedef struct ms_io_source ms_io_source;

struct ms_io_source {
    int fd;
    void *ctx; /* the owner's */
    /* 1: armed and disarmed by ms_io_arm, and edge-triggered: ready() runs
     * once per new readiness (a descriptor that becomes readable again, or
     * an epoll set that is told of a new event), so ready() must take all
     * that is ready. It stays armed across events: no epoll_ctl per event. */
    int armable;
    void (*ready)(ms_io_source *src);
    /* Called from the I/O thread once the source is removed and ready() can
     * no longer run for it. */
    void (*release)(ms_io_source *src);
    /* Optional: called from the I/O thread about every tick (MS_IO_TICK_MS
     * milliseconds) after ms_io_later(src), until it returns 0. */
    int (*later)(ms_io_source *src);
    /* private to iothread.c */
    ms_io_source *next_dead;
    ms_io_source *next_live; /* every registered source */
    ms_io_source *next_due;  /* the later() calls of one pass */
    _Atomic int later_wanted;
};

/* The period of later() calls. */
#define MS_IO_TICK_MS 10

/* For tests: sets the tick to ms milliseconds from the next tick on (a test
 * that counts system calls makes it longer than the test, so that its count
 * does not depend on how fast the machine runs). Returns the previous. */
int ms_io_set_tick_ms(int ms);

/* Registers src, starting the thread if it is the first source. An armable
 * source starts armed. MAILSLOT_OK or MAILSLOT_E_SYSTEM (detail set). */
int ms_io_add(ms_io_source *src);

/* Arms (on = 1) or disarms an armable source; arming one that is ready now
 * calls its ready(). Must not race with ms_io_remove of the same source. */
void ms_io_arm(ms_io_source *src, int on);

/* Asks for src->later() calls. Costs no system call while the thread is
 * already counting ticks for some source, so a caller may ask after every
 * operation. */
void ms_io_later(ms_io_source *src);

/* Unregisters src. release(src) runs later in the I/O thread, or before this
 * returns when src was the last source and the thread stops. Must not be
 * called while holding a lock that ready() takes, unless called from a
 * ready() (then the thread, if src was the last source, ends after it and is
 * joined by the next ms_io_add). */
void ms_io_remove(ms_io_source *src);

#endif
