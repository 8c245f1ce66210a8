/* SPDX-License-Identifier: MIT */
/* slot.c -- Win32 names of local slots, opening them, and what their
 * errors mean. */
#include "win32/win32.h"

#include "error.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

static const wchar_t prefix[] = L"\\\\.\\mailslot\\";
#define PREFIX_LEN (sizeof prefix / sizeof prefix[0] - 1)

/* 64-bit FNV-1a with a chosen offset; two offsets give a 128-bit digest. */
static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001B3ull;
    }
    return h;
}

int ms_win32_slot_name(const ms_name *name, wchar_t out[MS_WIN32_SLOT_CAP])
{
    wmemcpy(out, prefix, PREFIX_LEN);
    /* The parser let only valid UTF-8 through; the conversion cannot fail
     * for room either, since a UTF-8 byte never becomes two UTF-16 units. */
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name->path, -1, out + PREFIX_LEN,
                                MS_WIN32_SLOT_CAP - (int)PREFIX_LEN);
    if (n <= 0)
        return ms_fail_os(MAILSLOT_E_NAME, (int)GetLastError(), "%s cannot be converted to UTF-16",
                          name->canonical);
    if (n - 1 > MS_WIN32_PATH_MAX)
        swprintf(out + PREFIX_LEN, MS_WIN32_SLOT_CAP - PREFIX_LEN, L"mailslot#%016llx%016llx",
                 (unsigned long long)fnv1a(name->path, 0xCBF29CE484222325ull),
                 (unsigned long long)fnv1a(name->path, 0x84222325CBF29CE4ull));
    return MAILSLOT_OK;
}

HANDLE ms_win32_open_slot(const wchar_t *slot)
{
    return CreateFileW(slot, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

int ms_win32_open_failed(const ms_name *name, DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
        return ms_fail_os(MAILSLOT_E_NOT_FOUND, (int)err, "no reader owns %s", name->canonical);
    case ERROR_ACCESS_DENIED:
        return ms_fail_os(MAILSLOT_E_ACCESS, (int)err, "the reader of %s does not accept this user",
                          name->canonical);
    case ERROR_SHARING_VIOLATION:
        /* Wine (not Windows since Vista) refuses a second writer while one
         * holds the slot open without FILE_SHARE_WRITE. */
        return ms_fail_os(MAILSLOT_E_SYSTEM, (int)err,
                          "another program holds %s open for writing without sharing it",
                          name->canonical);
    default:
        return ms_fail_os(MAILSLOT_E_SYSTEM, (int)err, "cannot open %s", name->canonical);
    }
}

void ms_win32_marker_name(const wchar_t *slot, ms_win32_marker kind,
                          wchar_t out[MS_WIN32_MARKER_CAP])
{
    /* Windows compares mailslot names ignoring case in every alphabet: so
     * does the marker, through the name in upper case (the invariant
     * locale's, as the file system's table does not depend on the user's). */
    wchar_t upper[MS_WIN32_SLOT_CAP];
    int n = LCMapStringEx(LOCALE_NAME_INVARIANT, LCMAP_UPPERCASE, slot, -1, upper,
                          MS_WIN32_SLOT_CAP, NULL, NULL, 0);
    if (n <= 0) { /* cannot happen for a name of ours; the name as it is, then */
        n = (int)wcslen(slot) + 1;
        if (n > MS_WIN32_SLOT_CAP)
            n = MS_WIN32_SLOT_CAP;
        wmemcpy(upper, slot, (size_t)n);
    }
    n--; /* without the NUL */
    uint64_t h1 = 0xCBF29CE484222325ull, h2 = 0x84222325CBF29CE4ull;
    for (int i = 0; i < n; i++)
        for (int b = 0; b < 2; b++) {
            unsigned char byte = (unsigned char)((unsigned)upper[i] >> (8 * b));
            h1 = (h1 ^ byte) * 0x100000001B3ull;
            h2 = (h2 ^ byte) * 0x100000001B3ull;
        }
    swprintf(out, MS_WIN32_MARKER_CAP, L"Global\\mailslot-%ls-%016llx%016llx",
             kind == MS_WIN32_MARK_KEYED ? L"keyed" : L"local-only", (unsigned long long)h1,
             (unsigned long long)h2);
}

int ms_win32_has_marker(const wchar_t *slot, ms_win32_marker kind)
{
    wchar_t marker[MS_WIN32_MARKER_CAP];
    ms_win32_marker_name(slot, kind, marker);
    HANDLE h = OpenEventW(SYNCHRONIZE, FALSE, marker);
    if (h) {
        CloseHandle(h);
        return 1;
    }
    /* Access denied: it exists, made by another user's reader. */
    DWORD err = GetLastError();
    return err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND;
}
