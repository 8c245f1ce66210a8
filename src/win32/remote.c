/* SPDX-License-Identifier: MIT */
/* remote.c -- a writer in legacy mode on Windows: the system's own remote
 * mailslots (transport.h). CreateFileW on \\*\mailslot\PATH,
 * \\DOMAIN\mailslot\PATH or \\HOST\mailslot\PATH, then WriteFile: Windows
 * sends each write as a NetBIOS datagram from its port 138, with its own
 * computer name, workgroup and name resolution.
 *
 * Windows 11 and Server 2025 turn remote mailslots off by default: opening
 * or writing one then fails (ERROR_REMOTE_MAILSLOTS_DEPRECATED, 3025, on the
 * releases that say why), until an administrator turns on the policy
 * "Enable remote mailslots". Every failure here names it. */
#include "win32/win32.h"

#include "alloc.h"
#include "error.h"
#include "transport.h"

#ifndef ERROR_REMOTE_MAILSLOTS_DEPRECATED
#define ERROR_REMOTE_MAILSLOTS_DEPRECATED 3025L /* winerror.h of recent SDKs */
#endif

struct ms_remote_writer {
    SRWLOCK mu; /* serialises writes */
    HANDLE h;
    ms_name name;
};

int ms_remote_writer_native(void)
{
    return 1;
}

int ms_win32_remote_failed(const ms_name *name, DWORD err, const char *what)
{
    const char *why = err == ERROR_REMOTE_MAILSLOTS_DEPRECATED
                          ? "remote mailslots are turned off on this host"
                          : "Windows refused";
    return ms_fail_os(MAILSLOT_E_NETWORK, (int)err,
                      "cannot %s %s in legacy mode: %s (Windows sends remote mailslots only with "
                      "the policy \"Enable remote mailslots\" on: "
                      "HKLM\\Software\\Policies\\Microsoft\\Windows\\NetworkProvider\\"
                      "EnableMailslots = 1)",
                      what, name->canonical, why);
}

int ms_remote_writer_open(const ms_name *name, ms_remote_writer **out)
{
    /* The canonical name is the Win32 one: "\\HOST\mailslot\PATH". */
    wchar_t path[MS_NAME_MAX + 1];
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name->canonical, -1, path,
                            MS_NAME_MAX + 1) <= 0)
        return ms_fail_os(MAILSLOT_E_NAME, (int)GetLastError(), "%s cannot be converted to UTF-16",
                          name->canonical);
    ms_remote_writer *w = ms_calloc(1, sizeof *w);
    if (!w)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory opening %s", name->canonical);
    InitializeSRWLock(&w->mu);
    w->name = *name;
    w->h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    if (w->h == INVALID_HANDLE_VALUE) {
        int rc = ms_win32_remote_failed(name, GetLastError(), "open");
        ms_free(w);
        return rc;
    }
    *out = w;
    return MAILSLOT_OK;
}

int ms_remote_writer_write(ms_remote_writer *w, const void *data, size_t len)
{
    AcquireSRWLockExclusive(&w->mu);
    DWORD n = 0;
    int rc = MAILSLOT_OK;
    if (!WriteFile(w->h, data, (DWORD)len, &n, NULL))
        rc = ms_win32_remote_failed(&w->name, GetLastError(), "write to");
    else if (n != len)
        rc = ms_fail(MAILSLOT_E_NETWORK, "only %lu of %zu bytes were written to %s",
                     (unsigned long)n, len, w->name.canonical);
    ReleaseSRWLockExclusive(&w->mu);
    return rc;
}

void ms_remote_writer_close(ms_remote_writer *w)
{
    CloseHandle(w->h);
    ms_free(w);
}
