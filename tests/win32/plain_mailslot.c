/* SPDX-License-Identifier: MIT */
/* plain_mailslot.c -- a Win32 program that knows nothing of libmailslot (no
 * mailslot.h, no library): only CreateMailslot, CreateFile, ReadFile and
 * WriteFile, as any Windows program would use them. test_semantics_win32.c
 * runs it to prove that the library interoperates with such programs.
 *
 *   plain_mailslot write PATH [MESSAGE...]
 *       opens \\.\mailslot\PATH as Microsoft's samples do (GENERIC_WRITE,
 *       FILE_SHARE_READ) and writes each MESSAGE; exit 0 when all were written
 *   plain_mailslot read PATH COUNT
 *       creates \\.\mailslot\PATH, prints "ready", then reads COUNT messages
 *       (10 s read timeout) and prints each as "LENGTH:BYTES"; exit 0 when
 *       all came */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int slot_name(const char *path, char *out, size_t cap)
{
    return snprintf(out, cap, "\\\\.\\mailslot\\%s", path) < (int)cap ? 0 : -1;
}

static int do_write(const char *path, int count, char **messages)
{
    char name[512];
    if (slot_name(path, name, sizeof name) != 0)
        return 2;
    HANDLE h = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "plain_mailslot: CreateFile %s: error %lu\n", name, GetLastError());
        return 1;
    }
    for (int i = 0; i < count; i++) {
        DWORD len = (DWORD)strlen(messages[i]), n = 0;
        if (!WriteFile(h, messages[i], len, &n, NULL) || n != len) {
            fprintf(stderr, "plain_mailslot: WriteFile: error %lu\n", GetLastError());
            CloseHandle(h);
            return 1;
        }
    }
    CloseHandle(h);
    return 0;
}

static int do_read(const char *path, int count)
{
    char name[512];
    if (slot_name(path, name, sizeof name) != 0)
        return 2;
    HANDLE h = CreateMailslotA(name, 0, 10000, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "plain_mailslot: CreateMailslot %s: error %lu\n", name, GetLastError());
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    static char buf[65536];
    for (int i = 0; i < count; i++) {
        DWORD n = 0;
        if (!ReadFile(h, buf, sizeof buf, &n, NULL)) {
            fprintf(stderr, "plain_mailslot: ReadFile: error %lu\n", GetLastError());
            CloseHandle(h);
            return 1;
        }
        printf("%lu:%.*s\n", n, (int)n, buf);
        fflush(stdout);
    }
    CloseHandle(h);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "write") == 0)
        return do_write(argv[2], argc - 3, argv + 3);
    if (argc == 4 && strcmp(argv[1], "read") == 0)
        return do_read(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: plain_mailslot write PATH [MESSAGE...] | read PATH COUNT\n");
    return 2;
}
