/* SPDX-License-Identifier: MIT */
/* writer.c -- a local writer on Windows: CreateFileW + WriteFile on the
 * reader's mailslot.
 *
 * The writer opens the slot for each message and closes it again, rather
 * than keeping a handle. Under Wine a kept handle keeps a closed reader's
 * mailslot alive: its name stays taken (a restarted reader gets
 * ERROR_ALREADY_EXISTS) and writes to it succeed into nowhere, then block
 * once its buffer is full. Opening per message gives what the semantics
 * table asks on Windows and Wine alike: no reader is MAILSLOT_E_NOT_FOUND,
 * a restarted reader gets the next message, and a closed reader's name is
 * free at once. */
#include "win32/win32.h"

#include "alloc.h"
#include "error.h"
#include "transport.h"

#include <stdlib.h>

struct ms_local_writer {
    SRWLOCK mu; /* serialises writes */
    ms_name name;
    wchar_t slot[MS_WIN32_SLOT_CAP];
};

int ms_local_writer_open(const ms_name *name, int require_reader, ms_local_writer **out)
{
    ms_local_writer *w = ms_calloc(1, sizeof *w);
    if (!w)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory opening %s", name->canonical);
    InitializeSRWLock(&w->mu);
    w->name = *name;
    int rc = ms_win32_slot_name(name, w->slot);
    if (rc == MAILSLOT_OK && require_reader) {
        HANDLE h = ms_win32_open_slot(w->slot);
        if (h == INVALID_HANDLE_VALUE)
            rc = ms_win32_open_failed(name, GetLastError());
        else
            CloseHandle(h);
    }
    if (rc != MAILSLOT_OK) {
        ms_free(w);
        return rc;
    }
    *out = w;
    return MAILSLOT_OK;
}

int ms_local_writer_write(ms_local_writer *w, const void *data, size_t len)
{
    AcquireSRWLockExclusive(&w->mu);
    int rc = MAILSLOT_OK;
    HANDLE h = ms_win32_open_slot(w->slot);
    if (h == INVALID_HANDLE_VALUE) {
        rc = ms_win32_open_failed(&w->name, GetLastError());
    } else {
        DWORD n = 0;
        if (!WriteFile(h, data, (DWORD)len, &n, NULL)) {
            DWORD err = GetLastError();
            rc = ms_fail_os(err == ERROR_ACCESS_DENIED ? MAILSLOT_E_ACCESS : MAILSLOT_E_SYSTEM,
                            (int)err, "cannot write to %s", w->name.canonical);
        } else if (n != len) {
            rc = ms_fail(MAILSLOT_E_SYSTEM, "only %lu of %zu bytes were written to %s",
                         (unsigned long)n, len, w->name.canonical);
        }
        CloseHandle(h);
    }
    ReleaseSRWLockExclusive(&w->mu);
    return rc;
}

/* This host's copy of a message to "*", a domain or this host: on Windows
 * the message goes as a plain mailslot message, as a Windows "*" write
 * reaches local readers, so that programs reading the slot with ReadFile get
 * the message itself. The packet is not needed: with keys it may be
 * encrypted, and like every local write this copy is not authenticated (a
 * native mailslot cannot check a tag; local writers are trusted on every
 * platform, as anyone here may write to \\.\mailslot\PATH). */
int ms_local_writer_send_packet(ms_local_writer *w, const void *packet, size_t len,
                                const void *data, size_t data_len)
{
    (void)packet;
    (void)len;
    return ms_local_writer_write(w, data, data_len);
}

void ms_local_writer_close(ms_local_writer *w)
{
    ms_free(w);
}
