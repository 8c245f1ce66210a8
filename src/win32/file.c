/* SPDX-License-Identifier: MIT */
/* file.c -- files holding secrets (key files). Windows
 * protects files with ACLs, not mode bits: the file is read as it is (the
 * header says so). */
#include "alloc.h"
#include "auth/authconfig.h"
#include "error.h"
#include "os.h"
#include "win32/win32.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int ms_plat_file_stamp(const char *path, ms_file_stamp *out)
{
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (!GetFileAttributesExA(path, GetFileExInfoStandard, &a)) {
        DWORD err = GetLastError();
        int missing = err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
        return ms_fail(missing ? MAILSLOT_E_NOT_FOUND : MAILSLOT_E_SYSTEM,
                       "%s: %s (Win32 error %lu)", path,
                       missing ? "no such file" : "cannot be inspected", (unsigned long)err);
    }
    *out = (ms_file_stamp){
        .a = (uint64_t)a.ftLastWriteTime.dwHighDateTime << 32 | a.ftLastWriteTime.dwLowDateTime,
        .b = (uint64_t)a.nFileSizeHigh << 32 | a.nFileSizeLow,
        .c = (uint64_t)a.ftCreationTime.dwHighDateTime << 32 | a.ftCreationTime.dwLowDateTime};
    return MAILSLOT_OK;
}

int ms_plat_read_private_file(const char *path, size_t max, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ms_fail(MAILSLOT_E_NOT_FOUND, "%s: %s", path, strerror(errno));
    char *buf = ms_malloc(max + 1);
    int rc = MAILSLOT_OK;
    size_t n = 0;
    if (!buf) {
        rc = ms_fail(MAILSLOT_E_NOMEM, "out of memory reading %s", path);
    } else {
        n = fread(buf, 1, max + 1, f);
        if (ferror(f))
            rc = ms_fail(MAILSLOT_E_SYSTEM, "%s: read error", path);
        else if (n > max)
            rc = ms_fail(MAILSLOT_E_INVALID, "%s has more than %zu bytes", path, max);
    }
    fclose(f);
    if (rc != MAILSLOT_OK) {
        if (buf)
            memset(buf, 0, n);
        ms_free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MAILSLOT_OK;
}
