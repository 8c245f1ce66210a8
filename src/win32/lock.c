/* SPDX-License-Identifier: MIT */
/* lock.c -- the locks of os.h: slim reader/writer locks, taken exclusively.
 * SRWLOCK_INIT is all zeros, as MS_LOCK_INIT, and an SRW lock needs no
 * destruction. */
#include "win32/win32.h"

#include "os.h"

_Static_assert(sizeof(SRWLOCK) <= sizeof(ms_lock), "ms_lock holds an SRWLOCK");

void ms_lock_init(ms_lock *l)
{
    InitializeSRWLock(ms_win32_srw(l));
}

void ms_lock_acquire(ms_lock *l)
{
    AcquireSRWLockExclusive(ms_win32_srw(l));
}

void ms_lock_release(ms_lock *l)
{
    ReleaseSRWLockExclusive(ms_win32_srw(l));
}

void ms_lock_destroy(ms_lock *l)
{
    (void)l;
}
