/* SPDX-License-Identifier: MIT */
/* clock.c -- the monotonic clock and the wall clock on Windows. */
#include "os.h"
#include "win32/win32.h"

/* QueryPerformanceCounter, not GetTickCount64: read timeouts are asked in
 * milliseconds and the tick count moves in steps of 10 to 16 ms. */
int64_t ms_plat_monotonic_ms(void)
{
    static LARGE_INTEGER freq; /* constant while the system runs */
    LARGE_INTEGER now;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)(now.QuadPart / freq.QuadPart * 1000 +
                     now.QuadPart % freq.QuadPart * 1000 / freq.QuadPart);
}

uint64_t ms_plat_wall_ms(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    uint64_t t = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime; /* 100 ns since 1601 */
    return t / 10000u - 11644473600000u;
}
