/* SPDX-License-Identifier: MIT */
/* host.c -- facts about this host, and the text of Win32 errors. */
#include "win32/win32.h"

#include "name.h"
#include "os.h"

#include <stdio.h>
#include <string.h>

/* The full DNS name ("box.example.org"; "box" and the first label of another
 * name match it as on Linux) and the NetBIOS name ("BOX"). */
int ms_plat_is_host_name(const char *host)
{
    static const COMPUTER_NAME_FORMAT formats[] = {ComputerNameDnsFullyQualified,
                                                   ComputerNameDnsHostname, ComputerNameNetBIOS};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char me[256];
        DWORD len = sizeof me;
        if (GetComputerNameExA(formats[i], me, &len) && len > 0 && ms_name_host_matches(host, me))
            return 1;
    }
    return 0;
}

int ms_plat_host_name(char *buf, size_t cap)
{
    DWORD len = (DWORD)cap;
    if (!GetComputerNameExA(ComputerNameNetBIOS, buf, &len)) {
        buf[0] = '\0';
        return -1;
    }
    return 0;
}

/* err is a Win32 error number (GetLastError): its system text in UTF-8. */
void ms_plat_strerror(int err, char *buf, size_t cap)
{
    wchar_t wide[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             (DWORD)err, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), wide,
                             sizeof wide / sizeof wide[0], NULL);
    /* Drop the trailing line break and full stop. */
    while (n > 0 && (wide[n - 1] == L'\r' || wide[n - 1] == L'\n' || wide[n - 1] == L'.' ||
                     wide[n - 1] == L' '))
        n--;
    int m =
        n > 0 ? WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, buf, (int)cap - 1, NULL, NULL) : 0;
    if (m <= 0)
        snprintf(buf, cap, "unknown Win32 error");
    else
        buf[m] = '\0';
}
