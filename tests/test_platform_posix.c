/* test_platform_posix.c -- test_platform.h on POSIX. */
#define _DEFAULT_SOURCE
#include "test_platform.h"

#include <stdlib.h>
#include <unistd.h>

/* Every suite keeps to this host (see test_util.h). */
__attribute__((constructor)) static void keep_tests_local(void)
{
    setenv("MAILSLOT_NETWORK", "0", 1);
}

void test_host_name(char *buf, size_t cap)
{
    if (gethostname(buf, cap) != 0)
        buf[0] = '\0';
    buf[cap - 1] = '\0';
}
