/* SPDX-License-Identifier: MIT */
/* win32.h -- what the Windows backend's files share.
 *
 * Local slots are native Win32 mailslots, so that programs that know nothing
 * of this library interoperate: a reader is CreateMailslotW on
 * \\.\mailslot\<canonical path>, a writer CreateFileW + WriteFile. */
#ifndef MS_WIN32_H
#define MS_WIN32_H

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7: SRW locks, condition variables, CancelIoEx */
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
/* Winsock 2 before <windows.h>, for the files that use the network. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "name.h"
#include "os.h"

#include <stddef.h>
#include <stdint.h>

/* "\\.\mailslot\" + 255 bytes of UTF-8 path (at most 255 UTF-16 units) + NUL. */
#define MS_WIN32_SLOT_CAP 300

/* The Win32 name of a local slot: \\.\mailslot\PATH with PATH in UTF-16.
 * Windows refuses mailslot names of MAX_PATH characters or more, so a PATH
 * longer than MS_WIN32_PATH_MAX UTF-16 units is replaced by a 128-bit digest
 * of it (\\.\mailslot\mailslot#<32 hex digits>), the same in every process. */
#define MS_WIN32_PATH_MAX (MAX_PATH - 1 - 13)
int ms_win32_slot_name(const ms_name *name, wchar_t out[MS_WIN32_SLOT_CAP]);

/* Opens a writer handle on a slot: GENERIC_WRITE, shared with other writers
 * (FILE_SHARE_READ | FILE_SHARE_WRITE). INVALID_HANDLE_VALUE and GetLastError()
 * on failure. */
HANDLE ms_win32_open_slot(const wchar_t *slot);

/* Maps the failure of opening a slot (err from GetLastError) to a result with
 * the Win32 error in the detail: MAILSLOT_E_NOT_FOUND, MAILSLOT_E_ACCESS or
 * MAILSLOT_E_SYSTEM. */
int ms_win32_open_failed(const ms_name *name, DWORD err);

/* What a remote mailslot's failure (err from GetLastError; what: "open",
 * "write to") means: MAILSLOT_E_NETWORK, with the Win32 error and the policy
 * that turns remote mailslots on in the detail (remote.c). */
int ms_win32_remote_failed(const ms_name *name, DWORD err, const char *what);

/* Markers: named events a reader holds for as long as it owns its slot,
 * Global\mailslot-KIND-<32 hex digits of a digest of the slot's name in
 * upper case, as Windows compares mailslot names>, that tell the host
 * forwarder, in whichever process or session, what the slot's reader takes:
 *   MS_WIN32_MARK_LOCAL_ONLY  ("local-only") the network is off: the
 *                             forwarder passes the slot nothing;
 *   MS_WIN32_MARK_KEYED       ("keyed") the reader has keys: only a
 *                             forwarder with keys passes it messages, those
 *                             that verify (a forwarder without passes none). */
typedef enum ms_win32_marker { MS_WIN32_MARK_LOCAL_ONLY, MS_WIN32_MARK_KEYED } ms_win32_marker;
#define MS_WIN32_MARKER_CAP 64
void ms_win32_marker_name(const wchar_t *slot, ms_win32_marker kind,
                          wchar_t out[MS_WIN32_MARKER_CAP]);

/* 1 when the reader of slot holds that marker (it exists, whoever made it
 * and whether or not we may open it). */
int ms_win32_has_marker(const wchar_t *slot, ms_win32_marker kind);

/* Winsock 2.2 for this process, started once (WSAStartup; never cleaned up:
 * the DLL may be unloaded only with the process). MAILSLOT_OK or
 * MAILSLOT_E_SYSTEM with the detail set. */
int ms_win32_net_startup(void);

/* A UDP socket that child processes do not inherit (a child that kept the
 * forwarder's socket would keep the port after the forwarder ended).
 * INVALID_SOCKET and WSAGetLastError() on failure. */
SOCKET ms_win32_udp_socket(int family);

/* The SRW lock an ms_lock holds (lock.c), for the condition variables that
 * wait under one. */
static inline SRWLOCK *ms_win32_srw(ms_lock *l)
{
    return (SRWLOCK *)(void *)l->opaque;
}

#endif
