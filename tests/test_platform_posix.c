/* test_platform_posix.c -- test_platform.h on POSIX. */
#define _DEFAULT_SOURCE
#include "test_platform.h"

#include <unistd.h>

void test_host_name(char *buf, size_t cap)
{
    if (gethostname(buf, cap) != 0)
        buf[0] = '\0';
    buf[cap - 1] = '\0';
}
