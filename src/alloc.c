/* SPDX-License-Identifier: MIT */
/* alloc.c -- the fault-injection side of alloc.h (test builds only). */
#include "alloc.h"

#ifdef MAILSLOT_FAULT_INJECTION

atomic_long ms_alloc_countdown;
atomic_long ms_alloc_failures;

int ms_alloc_fail_now(void)
{
    if (atomic_load_explicit(&ms_alloc_countdown, memory_order_relaxed) == 0)
        return 0;
    /* Exactly one caller takes the count from 1 to 0, whatever the threads. */
    long left = atomic_load(&ms_alloc_countdown);
    while (left > 0 && !atomic_compare_exchange_weak(&ms_alloc_countdown, &left, left - 1))
        ;
    if (left != 1)
        return 0;
    atomic_fetch_add(&ms_alloc_failures, 1);
    return 1;
}

long ms_alloc_fail_nth(long nth)
{
    return atomic_exchange(&ms_alloc_countdown, nth < 0 ? 0 : nth);
}

#else

/* ISO C wants a translation unit to declare something. */
typedef int ms_alloc_unused;

#endif
