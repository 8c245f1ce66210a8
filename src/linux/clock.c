/* SPDX-License-Identifier: MIT */
/* clock.c -- the monotonic clock and the wall clock.
 *
 * Portable POSIX (clock_gettime with CLOCK_MONOTONIC and CLOCK_REALTIME). */
#define _GNU_SOURCE
#include "os.h"

#include <time.h>

int64_t ms_plat_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t ms_plat_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
