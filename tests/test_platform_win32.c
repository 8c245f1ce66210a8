/* test_platform_win32.c -- test_platform.h on Windows. */
#define WIN32_LEAN_AND_MEAN
#include "test_platform.h"

#include <windows.h>

void test_host_name(char *buf, size_t cap)
{
    DWORD len = (DWORD)cap;
    if (!GetComputerNameExA(ComputerNameDnsHostname, buf, &len))
        buf[0] = '\0';
}
