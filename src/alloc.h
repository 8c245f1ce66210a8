/* SPDX-License-Identifier: MIT */
/* alloc.h -- the one seam every allocation of the library goes through.
 *
 * In the shipped library these are the C library's functions, inlined away.
 * In the fault-injection build (CMake MAILSLOT_FAULT_INJECTION: the static
 * library the C test suites link, never libmailslot.so, mailslot.dll or the
 * mailslot tool) a test can make the Nth allocation from now fail, to check
 * that every path reports MAILSLOT_E_NOMEM and leaks nothing
 * (tests/test_nomem.c). The check is one relaxed atomic load of a global. */
#ifndef MS_ALLOC_H
#define MS_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

#ifdef MAILSLOT_FAULT_INJECTION

#include <stdatomic.h>

/* > 0: allocations left before the one that fails; 0: no failure planned. */
extern atomic_long ms_alloc_countdown;
/* Allocations failed on purpose since the process started. */
extern atomic_long ms_alloc_failures;

int ms_alloc_fail_now(void);

static inline void *ms_malloc(size_t n)
{
    return ms_alloc_fail_now() ? NULL : malloc(n);
}
static inline void *ms_calloc(size_t n, size_t size)
{
    return ms_alloc_fail_now() ? NULL : calloc(n, size);
}
static inline void *ms_realloc(void *p, size_t n)
{
    return ms_alloc_fail_now() ? NULL : realloc(p, n);
}

/* Testing: the nth library allocation from now (1: the next one) fails, and
 * only that one; 0 cancels. Returns how many allocations the previous plan
 * had left to go (0 if it fired or there was none). */
long ms_alloc_fail_nth(long nth);

#else

#define ms_malloc(n) malloc(n)
#define ms_calloc(n, size) calloc(n, size)
#define ms_realloc(p, n) realloc(p, n)

#endif

#define ms_free(p) free(p)

#endif
