/* test_platform_win32.c -- test_platform.h on Windows. */
#define WIN32_LEAN_AND_MEAN
#include "test_platform.h"

#include <windows.h>

#include <stdlib.h>

/* Every suite keeps to this host (see test_util.h); through the C library,
 * where the library's getenv() looks. */
__attribute__((constructor)) static void keep_tests_local(void)
{
    _putenv_s("MAILSLOT_NETWORK", "0");
}

void test_host_name(char *buf, size_t cap)
{
    DWORD len = (DWORD)cap;
    if (!GetComputerNameExA(ComputerNameDnsHostname, buf, &len))
        buf[0] = '\0';
}
