/* SPDX-License-Identifier: MIT */
/* lock.c -- the locks of os.h: slim reader/writer locks, taken exclusively.
 * SRWLOCK_INIT is all zeros, as MS_LOCK_INIT, and an SRW lock needs no
 * destruction. */
#include "win32/win32.h"

#include "os.h"

_Static_assert(sizeof(SRWLOCK) <= sizeof(ms_lock), "ms_lock holds an SRWLOCK");

static SRWLOCK *srw(ms_lock *l)
{
    return (SRWLOCK *)(void *)l->opaque;
}

void ms_lock_init(ms_lock *l)
{
    InitializeSRWLock(srw(l));
}

void ms_lock_acquire(ms_lock *l)
{
    AcquireSRWLockExclusive(srw(l));
}

void ms_lock_release(ms_lock *l)
{
    ReleaseSRWLockExclusive(srw(l));
}

void ms_lock_destroy(ms_lock *l)
{
    (void)l;
}
