/* test_platform.h -- what the suites need that POSIX and Windows spell
 * differently: test_platform_posix.c or test_platform_win32.c, chosen by
 * CMake. */
#ifndef MS_TEST_PLATFORM_H
#define MS_TEST_PLATFORM_H

#include <stddef.h>

/* This machine's host name (as `hostname` prints it). */
void test_host_name(char *buf, size_t cap);

#endif
