/* SPDX-License-Identifier: MIT */
/* lock.c -- the locks of os.h over POSIX threads.
 *
 * Portable POSIX, but for MS_LOCK_INIT: a zeroed pthread_mutex_t is
 * PTHREAD_MUTEX_INITIALIZER in glibc and musl, not everywhere. */
#include "os.h"

#include <pthread.h>

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(ms_lock), "ms_lock holds a pthread_mutex_t");

static pthread_mutex_t *mutex(ms_lock *l)
{
    return (pthread_mutex_t *)(void *)l->opaque;
}

void ms_lock_init(ms_lock *l)
{
    pthread_mutex_init(mutex(l), NULL);
}

void ms_lock_acquire(ms_lock *l)
{
    pthread_mutex_lock(mutex(l));
}

void ms_lock_release(ms_lock *l)
{
    pthread_mutex_unlock(mutex(l));
}

void ms_lock_destroy(ms_lock *l)
{
    pthread_mutex_destroy(mutex(l));
}
