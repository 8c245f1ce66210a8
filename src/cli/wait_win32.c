/* SPDX-License-Identifier: MIT */
/* wait_win32.c -- wait.h on Windows: mailslot_fd() is an event handle, set
 * while a message waits; Ctrl-C, Ctrl-Break and closing the console set a
 * stop event from the console control handler; one WaitForMultipleObjects
 * waits for both. */
#define WIN32_LEAN_AND_MEAN
#include "wait.h"

#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdio.h>

static HANDLE stop_event;
static volatile LONG stop_requested;

static BOOL WINAPI on_control(DWORD type)
{
    (void)type; /* Ctrl-C, Ctrl-Break, close, logoff, shutdown: all stop */
    InterlockedExchange(&stop_requested, 1);
    SetEvent(stop_event);
    return TRUE;
}

int cli_wait_init(void)
{
    /* Messages are bytes: no "\n" -> "\r\n" on the way out. */
    _setmode(_fileno(stdout), _O_BINARY);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!stop_event || !SetConsoleCtrlHandler(on_control, TRUE)) {
        fprintf(stderr, "mailslot: cannot set up Ctrl-C handling: Win32 error %lu\n",
                GetLastError());
        return -1;
    }
    return 0;
}

int cli_stop_requested(void)
{
    return InterlockedCompareExchange(&stop_requested, 0, 0) != 0;
}

int cli_wait(intptr_t ready, int timeout_ms)
{
    HANDLE h[2] = {stop_event, (HANDLE)ready};
    DWORD w = WaitForMultipleObjects(2, h, FALSE, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
    if (w == WAIT_OBJECT_0 || cli_stop_requested())
        return CLI_WAIT_STOP;
    if (w == WAIT_OBJECT_0 + 1)
        return CLI_WAIT_READY;
    if (w == WAIT_TIMEOUT)
        return CLI_WAIT_TIMEOUT;
    fprintf(stderr, "mailslot: cannot wait for messages: Win32 error %lu\n", GetLastError());
    return CLI_WAIT_FAILED;
}

int cli_wait_stop(void)
{
    if (WaitForSingleObject(stop_event, INFINITE) == WAIT_OBJECT_0)
        return 0;
    fprintf(stderr, "mailslot: cannot wait for Ctrl-C: Win32 error %lu\n", GetLastError());
    return -1;
}

int64_t cli_now_ms(void)
{
    return (int64_t)GetTickCount64();
}
