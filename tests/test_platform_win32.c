/* SPDX-License-Identifier: MIT */
/* test_platform_win32.c -- test_platform.h on Windows. */
#include "test_util.h"

#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "test_platform.h"

#include <stdlib.h>

const int test_native_readers = 1;

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

void test_setenv(const char *name, const char *value)
{
    _putenv_s(name, value);
}

void test_unsetenv(const char *name)
{
    _putenv_s(name, ""); /* an empty value removes the variable */
}

int test_fd_ready(intptr_t fd, int timeout_ms)
{
    DWORD w = WaitForSingleObject((HANDLE)fd, (DWORD)timeout_ms);
    assert_true(w == WAIT_OBJECT_0 || w == WAIT_TIMEOUT);
    return w == WAIT_OBJECT_0;
}

intptr_t test_fd_copy(intptr_t fd)
{
    HANDLE copy;
    assert_true(DuplicateHandle(GetCurrentProcess(), (HANDLE)fd, GetCurrentProcess(), &copy, 0,
                                FALSE, DUPLICATE_SAME_ACCESS));
    return (intptr_t)copy;
}

void test_fd_close(intptr_t fd)
{
    CloseHandle((HANDLE)fd);
}

const char *test_temp_dir(void)
{
    const char *dir = getenv("TEMP");
    return dir && dir[0] ? dir : ".";
}

const char *test_loopback_interface(void)
{
    return "127.0.0.1";
}

static void wsa(void)
{
    static int started;
    WSADATA data;
    if (!started)
        assert_int_equal(WSAStartup(MAKEWORD(2, 2), &data), 0);
    started = 1;
}

int test_free_port(void)
{
    wsa();
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int len = sizeof a;
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
    closesocket(s);
    return ntohs(a.sin_port);
}

void test_udp_send(int ipv6, int port, const void *bytes, size_t len)
{
    /* One socket per family for the whole run: under Wine a datagram still
     * on its way can be lost when its socket is closed right after sendto
     * (seen under load: 11 of 12 arrived). */
    static SOCKET socks[2] = {INVALID_SOCKET, INVALID_SOCKET};
    wsa();
    if (socks[ipv6 != 0] == INVALID_SOCKET)
        socks[ipv6 != 0] = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    SOCKET s = socks[ipv6 != 0];
    assert_true(s != INVALID_SOCKET);
    int sent;
    if (ipv6) {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
        a.sin6_addr = in6addr_loopback;
        sent = sendto(s, bytes, (int)len, 0, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sent = sendto(s, bytes, (int)len, 0, (struct sockaddr *)&a, sizeof a);
    }
    assert_int_equal(sent, (int)len);
}

int test_have_ipv6(void)
{
    wsa();
    SOCKET s = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6};
    a.sin6_addr = in6addr_loopback;
    int have = s != INVALID_SOCKET && bind(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s != INVALID_SOCKET)
        closesocket(s);
    return have;
}

intptr_t test_udp_bind(int port)
{
    wsa();
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (s != INVALID_SOCKET && bind(s, (struct sockaddr *)&a, sizeof a) == 0)
        return (intptr_t)s;
    if (s != INVALID_SOCKET)
        closesocket(s);
    return -1;
}

void test_udp_close(intptr_t s)
{
    closesocket((SOCKET)s);
}

struct test_process {
    PROCESS_INFORMATION pi;
};

/* A job that kills its processes when the test process ends, however it
 * ends (the handle is closed then). */
static HANDLE kill_on_exit_job(void)
{
    static HANDLE job;
    if (!job) {
        job = CreateJobObjectW(NULL, NULL);
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limit = {0};
        limit.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        if (job)
            SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limit, sizeof limit);
    }
    return job;
}

/* Runs test_child.exe (beside this program) with args ("hold NAME" or
 * "forward NAME PORT INTERFACE"): it prints "y" once its reader exists. */
static test_process *child_reader(const char *args)
{
    char self[MAX_PATH], cmd[1024];
    DWORD n = GetModuleFileNameA(NULL, self, sizeof self);
    assert_true(n > 0 && n < sizeof self);
    char *slash = strrchr(self, '\\');
    assert_non_null(slash);
    snprintf(slash + 1, sizeof self - (size_t)(slash + 1 - self), "test_child.exe");
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self, args);
    SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = TRUE};
    HANDLE rd, wr;
    assert_true(CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES};
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    test_process *p = calloc(1, sizeof *p);
    assert_non_null(p);
    if (!CreateProcessA(self, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &p->pi))
        fail_msg("CreateProcess %s: error %lu", cmd, GetLastError());
    CloseHandle(wr);
    HANDLE job = kill_on_exit_job();
    if (job)
        AssignProcessToJobObject(job, p->pi.hProcess);
    char line[64];
    size_t len = 0;
    char ch;
    DWORD got;
    while (len + 1 < sizeof line && ReadFile(rd, &ch, 1, &got, NULL) && got == 1 && ch != '\n')
        if (ch != '\r')
            line[len++] = ch;
    line[len] = '\0';
    CloseHandle(rd);
    if (strcmp(line, "y") != 0)
        fail_msg("test_child %s: \"%s\"", args, line);
    return p;
}

test_process *test_reader_process(const char *name)
{
    char args[512];
    snprintf(args, sizeof args, "hold %s", name);
    return child_reader(args);
}

test_process *test_forwarder_process(const char *name, int port)
{
    char args[512];
    snprintf(args, sizeof args, "forward %s %d %s", name, port, test_loopback_interface());
    return child_reader(args);
}

void test_process_kill(test_process *p)
{
    TerminateProcess(p->pi.hProcess, 9);
    WaitForSingleObject(p->pi.hProcess, INFINITE);
    CloseHandle(p->pi.hProcess);
    CloseHandle(p->pi.hThread);
    free(p);
}
