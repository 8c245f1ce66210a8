/* SPDX-License-Identifier: MIT */
/* test_semantics_win32.c -- the rows of the semantics table that need other
 * processes, the waitable handle of mailslot_fd, or that Windows gives
 * differently (abi/mailslot.h says how: "On Windows"); interoperation with
 * programs that use Win32 mailslots directly; the DLL's exports and version
 * resource. Runs under Wine in CI. */
#include "test_util.h"

#include "packets.h"

#include "net/forward.h"
#include "win32/win32.h"
#include "test_platform.h"
#include "testing.h"
#include "net/wire.h"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

/* ---- helpers ------------------------------------------------------------ */

/* The canonical path of a name: what follows \\.\mailslot\ in Win32. */
static void path_of(const char *name, char *path, size_t cap)
{
    char canonical[512];
    size_t len;
    OK(mailslot_name_canonical(name, canonical, sizeof canonical, &len));
    const char *p = strstr(canonical, "\\mailslot\\");
    assert_non_null(p);
    snprintf(path, cap, "%s", p + strlen("\\mailslot\\"));
}

/* A program beside this one (the test programs share a directory). */
static void sibling(const char *exe, char *out, size_t cap)
{
    char self[MAX_PATH];
    DWORD n = GetModuleFileNameA(NULL, self, sizeof self);
    assert_true(n > 0 && n < sizeof self);
    char *slash = strrchr(self, '\\');
    assert_non_null(slash);
    slash[1] = '\0';
    snprintf(out, cap, "%s%s", self, exe);
}

typedef struct child {
    PROCESS_INFORMATION pi;
    HANDLE out; /* the read end of its standard output */
} child;

/* Starts `exe args` with its standard output on a pipe. */
static void child_start(child *c, const char *exe, const char *args)
{
    char path[MAX_PATH], cmd[2048];
    sibling(exe, path, sizeof path);
    snprintf(cmd, sizeof cmd, "\"%s\" %s", path, args);
    SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = TRUE};
    HANDLE wr;
    assert_true(CreatePipe(&c->out, &wr, &sa, 0));
    SetHandleInformation(c->out, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES};
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (!CreateProcessA(path, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &c->pi))
        fail_msg("CreateProcess %s: error %lu", cmd, GetLastError());
    CloseHandle(wr);
}

/* Reads one line of the child's output (without the line break). */
static void child_line(child *c, char *buf, size_t cap)
{
    size_t n = 0;
    char ch;
    DWORD got;
    while (n + 1 < cap && ReadFile(c->out, &ch, 1, &got, NULL) && got == 1 && ch != '\n')
        if (ch != '\r')
            buf[n++] = ch;
    buf[n] = '\0';
}

/* Waits for the child to end; returns its exit status. */
static DWORD child_wait(child *c)
{
    assert_int_equal(WaitForSingleObject(c->pi.hProcess, 60000), WAIT_OBJECT_0);
    DWORD status = 99;
    GetExitCodeProcess(c->pi.hProcess, &status);
    CloseHandle(c->pi.hProcess);
    CloseHandle(c->pi.hThread);
    CloseHandle(c->out);
    return status;
}

static int64_t stat_of_reader(mailslot_reader *r, int key)
{
    int64_t v = -1;
    OK(mailslot_reader_get_int(r, key, &v));
    return v;
}

/* ---- rows that need another process ------------------------------------- */

/* Rows: a name a reader owns in another process -> EXISTS; the reader's
 * process dies -> its name is free at once. */
static void test_other_process_owns_name_until_it_dies(void **state)
{
    (void)state;
    NAME(name, "proc");
    test_process *p = test_reader_process(name);
    mailslot_reader *r;
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &r));
    assert_non_null(strstr(mailslot_last_error_detail(), "OS error 183"));
    /* A writer in this process reaches the other process's reader. */
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "x", 1));
    mailslot_writer_close(w);
    test_process_kill(p);
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
}

typedef struct record {
    uint32_t writer;
    uint32_t seq;
} record;

/* Row: FIFO per writer, nothing lost: writers in other processes. */
static void test_writer_processes_lose_nothing(void **state)
{
    (void)state;
    NAME(name, "procw");
    enum { WRITERS = 3 };
    long count = scaled(2000);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    child c[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        char args[256];
        snprintf(args, sizeof args, "write %s %d %ld", name, i, count);
        child_start(&c[i], "test_child.exe", args);
    }
    uint32_t next[WRITERS] = {0};
    for (long total = 0; total < WRITERS * count; total++) {
        record rec;
        size_t len;
        OK(mailslot_read(r, &rec, sizeof rec, &len, 30000));
        assert_int_equal(len, sizeof rec);
        assert_true(rec.writer < WRITERS);
        if (rec.seq != next[rec.writer])
            fail_msg("writer %u: got %u, expected %u", rec.writer, rec.seq, next[rec.writer]);
        next[rec.writer]++;
    }
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(child_wait(&c[i]), 0);
    expect_empty(r);
    mailslot_reader_close(r);
}

/* ---- rows Windows gives differently ------------------------------------- */

/* Row: a local write over the reader's MAX_MESSAGE_SIZE. On Windows the
 * writer cannot learn the reader's limit: the write succeeds and the reader
 * discards the message. */
static void test_write_over_reader_limit_is_discarded(void **state)
{
    (void)state;
    NAME(name, "toobig");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 100);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    char buf[101] = {1};
    OK(mailslot_write(w, buf, 101));
    OK(mailslot_write(w, buf, 100));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, 1);
    expect_message(r, buf, 100);
    expect_empty(r);
    /* The limit of the whole API still holds at the writer. */
    static char big[MAILSLOT_MAX_LOCAL_MESSAGE + 1];
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, sizeof big));
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: QUEUE_LIMIT. On Windows the writer cannot be told that the queue is
 * full (Windows queues without limit): writes succeed, the reader keeps the
 * first QUEUE_LIMIT messages and discards what arrives while it holds them. */
static void test_queue_limit_discards_at_reader(void **state)
{
    (void)state;
    NAME(name, "full");
    enum { LIMIT = 5 };
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    for (int i = 0; i < LIMIT + 3; i++)
        OK(mailslot_write(w, &i, sizeof i));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, LIMIT);
    int v;
    size_t len;
    OK(mailslot_read(r, &v, sizeof v, &len, 1000));
    assert_int_equal(v, 0);
    /* One read makes room for one message again. */
    int more = 100;
    OK(mailslot_write(w, &more, sizeof more));
    OK(mailslot_write(w, &more, sizeof more));
    OK(mailslot_info(r, NULL, NULL, &count, NULL)); /* both have arrived: one was kept */
    assert_int_equal(count, LIMIT);
    for (int i = 1; i < LIMIT; i++) {
        OK(mailslot_read(r, &v, sizeof v, &len, 1000));
        assert_int_equal(v, i);
    }
    OK(mailslot_read(r, &v, sizeof v, &len, 1000));
    assert_int_equal(v, 100);
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: a restarted reader with a smaller limit: on Windows the writer is
 * not told; the new reader discards what is over its limit. */
static void test_restarted_reader_limit_applies_at_reader(void **state)
{
    (void)state;
    NAME(name, "relimit");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    char buf[50] = {0};
    OK(mailslot_write(w, buf, 50));
    expect_message(r, buf, 50);
    mailslot_reader_close(r);
    r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 10);
    OK(mailslot_write(w, buf, 50));
    OK(mailslot_write(w, buf, 10));
    expect_message(r, buf, 10);
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ---- mailslot_fd: an event handle --------------------------------------- */

/* The wait is a real wait: a thread blocked on the event wakes for a message. */
static DWORD WINAPI wait_event(void *arg)
{
    return WaitForSingleObject((HANDLE)arg, 30000);
}

static void test_fd_wakes_a_waiting_thread(void **state)
{
    (void)state;
    NAME(name, "fdwake");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    intptr_t fd;
    OK(mailslot_fd(r, &fd));
    HANDLE t = CreateThread(NULL, 0, wait_event, (void *)fd, 0, NULL);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(t, 100), WAIT_TIMEOUT); /* still waiting */
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "wake", 4));
    assert_int_equal(WaitForSingleObject(t, 30000), WAIT_OBJECT_0);
    DWORD status = 99;
    GetExitCodeThread(t, &status);
    assert_int_equal(status, WAIT_OBJECT_0);
    CloseHandle(t);
    expect_text(r, "wake");
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ---- interoperation with plain Win32 programs --------------------------- */

/* A program that only calls CreateFile and WriteFile reaches our reader,
 * zero-length message included. */
static void test_plain_win32_writer_reaches_reader(void **state)
{
    (void)state;
    NAME(name, "plainw");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    char path[256], args[512];
    path_of(name, path, sizeof path);
    snprintf(args, sizeof args, "write %s hello \"\" world", path);
    child c;
    child_start(&c, "plain_mailslot.exe", args);
    assert_int_equal(child_wait(&c), 0);
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, 3);
    expect_text(r, "hello");
    expect_message(r, NULL, 0);
    expect_text(r, "world");
    expect_empty(r);
    mailslot_reader_close(r);
}

/* A program that only calls CreateMailslot and ReadFile receives what our
 * writers send, to its local name and to "*". */
static void test_plain_win32_reader_receives(void **state)
{
    (void)state;
    NAME(name, "plainr");
    char path[256], args[512], line[128];
    path_of(name, path, sizeof path);
    snprintf(args, sizeof args, "read %s 3", path);
    child c;
    child_start(&c, "plain_mailslot.exe", args);
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "ready");
    mailslot_writer *w, *all;
    OK(mailslot_open(name, NULL, &w));
    char star[300];
    snprintf(star, sizeof star, "\\\\*\\mailslot\\%s", name);
    OK(mailslot_open(star, NULL, &all));
    OK(mailslot_write(w, "one", 3));
    OK(mailslot_write(all, "to everyone", 11));
    OK(mailslot_write(w, "two", 3));
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "3:one");
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "11:to everyone");
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "3:two");
    assert_int_equal(child_wait(&c), 0);
    /* The plain reader is gone, and its name with it. */
    RC(MAILSLOT_E_NOT_FOUND, mailslot_write(w, "gone", 4));
    OK(mailslot_write(all, "nobody", 6));
    mailslot_writer_close(w);
    mailslot_writer_close(all);
}

/* ---- the network: readers are native mailslots ---------------------------- */

static mailslot_reader *net_reader(const char *name, int port, int network)
{
    mailslot_options *o;
    mailslot_reader *r = NULL;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, network));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, port));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

/* A datagram to "*" for path, sent to 127.0.0.1:port. */
static void send_to_all(int port, const char *path, uint64_t sender, uint32_t seq,
                        const char *payload)
{
    unsigned char buf[MS_WIRE_MAX_PACKET];
    ms_packet p = test_packet(MS_WIRE_TO_ALL, "", path, sender, seq, payload, strlen(payload));
    size_t n = ms_wire_encode(&p, buf, sizeof buf);
    assert_true(n > 0);
    test_udp_send(0, port, buf, n);
}

/* Beyond Windows: a program that only calls CreateMailslot and ReadFile
 * receives the payloads of network messages for its name, each once
 * however many copies arrive, from the forwarder of this host (here, this
 * process's). */
static void test_network_reaches_plain_win32_reader(void **state)
{
    (void)state;
    NAME(name, "plainnet");
    NAME(fwd_name, "plainnet-fwd");
    int port = test_free_port();
    mailslot_reader *fwd = net_reader(fwd_name, port, 1); /* runs the forwarder */
    char path[256], args[512], line[128];
    path_of(name, path, sizeof path);
    snprintf(args, sizeof args, "read %s 4", path);
    child c;
    child_start(&c, "plain_mailslot.exe", args);
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "ready");
    ms_fwd_counters before, after;
    ms_forwarder_counters(&before);
    send_to_all(port, path, 21, 0, "one");
    send_to_all(port, path, 21, 0, "one"); /* copies, as from two interfaces */
    send_to_all(port, path, 21, 1, "two");
    send_to_all(port, path, 22, 0, "three");
    send_to_all(port, path, 22, 0, "three");
    send_to_all(port, path, 22, 1, "end"); /* the reader ends after it, not before a copy */
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "3:one");
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "3:two");
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "5:three");
    child_line(&c, line, sizeof line);
    assert_string_equal(line, "3:end");
    assert_int_equal(child_wait(&c), 0);
    /* "end" may not be counted yet when the reader has it. */
    do
        ms_forwarder_counters(&after);
    while (after.forwarded - before.forwarded < 4);
    assert_int_equal(after.datagrams - before.datagrams, 6);
    assert_int_equal(after.forwarded - before.forwarded, 4);
    assert_int_equal(after.duplicate - before.duplicate, 2);
    assert_int_equal(after.failed - before.failed, 0);
    mailslot_reader_close(fwd);
}

/* A reader with the network off gets nothing from a forwarder in another
 * process (its marker is machine-wide), while a network reader does. */
static void test_local_only_reader_is_skipped_by_other_forwarder(void **state)
{
    (void)state;
    NAME(owner, "lo-owner");
    NAME(local, "lo-local");
    NAME(net, "lo-net");
    int port = test_free_port();
    test_process *p = test_forwarder_process(owner, port);
    mailslot_reader *rl = net_reader(local, port, 0);
    mailslot_reader *rn = net_reader(net, port, 1); /* waits: the other process forwards */
    char lpath[256], npath[256];
    path_of(local, lpath, sizeof lpath);
    path_of(net, npath, sizeof npath);
    send_to_all(port, lpath, 31, 0, "not for a local-only reader");
    send_to_all(port, npath, 31, 1, "for the network reader");
    /* The forwarder writes in the order it receives: once the second has
     * arrived, the first would have. */
    expect_text(rn, "for the network reader");
    expect_empty(rl);
    assert_int_equal(stat_of_reader(rl, MAILSLOT_STAT_NET_RECEIVED), 0);
    mailslot_reader_close(rn);
    mailslot_reader_close(rl);
    test_process_kill(p);
}

/* On Windows a reader cannot tell network messages from local ones: its
 * counters count them all (abi/mailslot.h, "On Windows"). */
static void test_reader_counts_every_message(void **state)
{
    (void)state;
    NAME(name, "counts");
    mailslot_options *o;
    mailslot_reader *r;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 10));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 2));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "a", 1));
    OK(mailslot_write(w, "b", 1));
    OK(mailslot_write(w, "c", 1));            /* the queue is full */
    OK(mailslot_write(w, "0123456789x", 11)); /* over MAX_MESSAGE_SIZE */
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL)); /* everything written has arrived */
    assert_int_equal(count, 2);
    assert_int_equal(stat_of_reader(r, MAILSLOT_STAT_NET_RECEIVED), 2);
    assert_int_equal(stat_of_reader(r, MAILSLOT_STAT_NET_OVER_LIMIT), 2);
    for (int key = MAILSLOT_STAT_NET_MALFORMED; key <= MAILSLOT_STAT_NET_DUPLICATE; key++)
        assert_int_equal(stat_of_reader(r, key), 0);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ---- errors, access, the DLL -------------------------------------------- */

static void test_detail_has_the_win32_error(void **state)
{
    (void)state;
    NAME(name, "detail");
    mailslot_writer *w;
    RC(MAILSLOT_E_NOT_FOUND, mailslot_open(name, NULL, &w));
    const char *d = mailslot_last_error_detail();
    if (!strstr(d, "no reader owns") || !strstr(d, "(OS error 2)"))
        fail_msg("detail \"%s\" lacks the Win32 error", d);
}

/* Legacy mode: Windows's own remote mailslots. Their failures name the
 * policy that turns them on, whatever the Win32 error. */
static void test_remote_mailslot_failures_name_the_policy(void **state)
{
    (void)state;
    ms_name n;
    OK(ms_name_parse("\\\\*\\mailslot\\logger", &n));
    const DWORD errors[] = {3025 /* ERROR_REMOTE_MAILSLOTS_DEPRECATED */, ERROR_BAD_NETPATH};
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        RC(MAILSLOT_E_NETWORK, ms_win32_remote_failed(&n, errors[i], "write to"));
        const char *d = mailslot_last_error_detail();
        char code[32];
        snprintf(code, sizeof code, "(OS error %lu)", (unsigned long)errors[i]);
        if (!strstr(d, "cannot write to \\\\*\\mailslot\\logger") ||
            !strstr(d, "\"Enable remote mailslots\"") ||
            !strstr(d, "HKLM\\Software\\Policies\\Microsoft\\Windows\\NetworkProvider\\"
                       "EnableMailslots = 1") ||
            !strstr(d, code))
            fail_msg("detail \"%s\" does not name the write, the policy and the error", d);
        if (errors[i] == 3025 && !strstr(d, "remote mailslots are turned off"))
            fail_msg("detail \"%s\" does not say remote mailslots are off", d);
    }
}

/* Under Wine, which sends no remote mailslot, the system's remote mailslot
 * either opens (writes then go nowhere) or fails with MAILSLOT_E_NETWORK
 * naming the policy; never a crash or a hang. */
static void test_legacy_writer_uses_the_system(void **state)
{
    (void)state;
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 1));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, "mstest"));
    mailslot_writer *w = NULL;
    int rc = mailslot_open("\\\\mstest\\mailslot\\x", o, &w);
    if (rc == MAILSLOT_OK)
        rc = mailslot_write(w, "x", 1);
    print_message("legacy open and write under this system: %s (%s)\n", mailslot_strerror(rc),
                  rc == MAILSLOT_OK ? "" : mailslot_last_error_detail());
    if (rc != MAILSLOT_OK && (rc != MAILSLOT_E_NETWORK ||
                              !strstr(mailslot_last_error_detail(), "Enable remote mailslots")))
        fail_msg("legacy mode failed with %d: %s", rc, mailslot_last_error_detail());
    mailslot_writer_close(w);
    mailslot_options_free(o);
}

static void test_allow_any_user_still_accepts_us(void **state)
{
    (void)state;
    NAME(name, "anyuser");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_ALLOW_ANY_USER, 1);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "me", 2));
    expect_text(r, "me");
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* mailslot.dll exports the API and carries the library's version. */
static void test_dll_exports_and_version_resource(void **state)
{
    (void)state;
    char dll[MAX_PATH];
    sibling("mailslot.dll", dll, sizeof dll);
    HMODULE m = LoadLibraryA(dll);
    assert_non_null(m);
    int (*version)(void) = (int (*)(void))(void (*)(void))GetProcAddress(m, "mailslot_version");
    assert_non_null(version);
    assert_int_equal(version(), MAILSLOT_VERSION_NUMBER);
    assert_non_null(GetProcAddress(m, "mailslot_create"));
    assert_null(GetProcAddress(m, "ms_fail")); /* internals stay inside */
    FreeLibrary(m);

    DWORD ignored, size = GetFileVersionInfoSizeA(dll, &ignored);
    assert_true(size > 0);
    void *info = malloc(size);
    assert_true(GetFileVersionInfoA(dll, 0, size, info));
    VS_FIXEDFILEINFO *fixed;
    UINT len;
    assert_true(VerQueryValueA(info, "\\", (void **)&fixed, &len));
    assert_int_equal(HIWORD(fixed->dwFileVersionMS), MAILSLOT_VERSION_MAJOR);
    assert_int_equal(LOWORD(fixed->dwFileVersionMS), MAILSLOT_VERSION_MINOR);
    assert_int_equal(HIWORD(fixed->dwFileVersionLS), MAILSLOT_VERSION_PATCH);
    free(info);
}

/* ---- legacy mode: Windows receives on UDP port 138 itself --------------- */

static int legacy_lines;
static char legacy_line[512];

static void on_log(void *ctx, int level, const char *message)
{
    (void)ctx;
    if (level == MAILSLOT_LOG_INFO && strstr(message, "legacy: ")) {
        legacy_lines++;
        snprintf(legacy_line, sizeof legacy_line, "%s", message);
    }
}

/* A reader in legacy mode starts a forwarder that binds no port 138 (the
 * system's) and says so once: in its state, or in the log without a
 * listener; none of that without legacy mode. */
static void test_legacy_forwarder_says_windows_receives(void **state)
{
    (void)state;
    NAME(name, "legacyfwd");
    int port = test_free_port();
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, port));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 1));
    OK(mailslot_set_log_handler(on_log, NULL));
    legacy_lines = 0;
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    assert_int_equal(ms_forwarder_legacy(), MS_FWD_LEGACY_SYSTEM);
    mailslot_reader_close(r);
    assert_int_equal(ms_forwarder_legacy(), MS_FWD_LEGACY_OFF);
    assert_int_equal(legacy_lines, 1);
    assert_string_equal(legacy_line, "host forwarder: legacy: Windows receives on UDP 138 itself; "
                                     "this forwarder does not");
    /* Without legacy mode: no line. */
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 0));
    OK(mailslot_create(name, o, &r));
    assert_int_equal(ms_forwarder_legacy(), MS_FWD_LEGACY_OFF);
    mailslot_reader_close(r);
    assert_int_equal(legacy_lines, 1);
    OK(mailslot_set_log_handler(NULL, NULL));
    mailslot_options_free(o);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_process_owns_name_until_it_dies),
        cmocka_unit_test(test_legacy_forwarder_says_windows_receives),
        cmocka_unit_test(test_writer_processes_lose_nothing),
        cmocka_unit_test(test_write_over_reader_limit_is_discarded),
        cmocka_unit_test(test_queue_limit_discards_at_reader),
        cmocka_unit_test(test_restarted_reader_limit_applies_at_reader),
        cmocka_unit_test(test_fd_wakes_a_waiting_thread),
        cmocka_unit_test(test_plain_win32_writer_reaches_reader),
        cmocka_unit_test(test_plain_win32_reader_receives),
        cmocka_unit_test(test_network_reaches_plain_win32_reader),
        cmocka_unit_test(test_local_only_reader_is_skipped_by_other_forwarder),
        cmocka_unit_test(test_reader_counts_every_message),
        cmocka_unit_test(test_detail_has_the_win32_error),
        cmocka_unit_test(test_remote_mailslot_failures_name_the_policy),
        cmocka_unit_test(test_legacy_writer_uses_the_system),
        cmocka_unit_test(test_allow_any_user_still_accepts_us),
        cmocka_unit_test(test_dll_exports_and_version_resource),
    };
    return MS_RUN_TESTS("semantics_win32", tests, NULL, NULL);
}
