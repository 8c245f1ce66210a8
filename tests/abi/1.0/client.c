/* client.c -- FROZEN: a program written against the 1.0.0 header.
 *
 * It is compiled against tests/abi/1.0/mailslot.h only (never abi/), linked
 * on Linux against a stub built from that header and the 1.0 version script
 * (so it asks the loader for name@MAILSLOT_1.0, as a program linked with the
 * real 1.0.0 library does), and run against the library of this build. It
 * calls every 1.0 function and checks what the 1.0 header promises, with the
 * numbers compiled in from that header. Prints one line per failure and a
 * summary; exit status 0 when every check held.
 *
 * Only what every 1.x must keep belongs here: never edit this file to follow
 * a change of the library (that change would break the programs this file
 * stands for). Keeps to this host: the network option is 0 throughout. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* nanosleep, poll in C11 */
#endif
#include <mailslot.h>

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#define client_pid() ((int)GetCurrentProcessId())
#else
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#define client_pid() ((int)getpid())
#endif

static int checks, failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL line %d: %s (detail: %s)\n", __LINE__, #cond,                             \
                   mailslot_last_error_detail());                                                  \
        }                                                                                          \
    } while (0)
#define RC(want, call) CHECK((call) == (want))
#define OK(call) RC(MAILSLOT_OK, call)

/* Whether the reader's descriptor says a message waits, waiting up to ms
 * for it (on Windows a message reaches the reader's queue a moment after
 * the write). */
static int fd_ready(mailslot_reader *r, int ms)
{
    intptr_t fd = -1;
    if (mailslot_fd(r, &fd) != MAILSLOT_OK)
        return -1;
#ifdef _WIN32
    return WaitForSingleObject((HANDLE)fd, (DWORD)ms) == WAIT_OBJECT_0;
#else
    struct pollfd p = {.fd = (int)fd, .events = POLLIN};
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
#endif
}

static void pause_ms(int ms)
{
#ifdef _WIN32
    Sleep((DWORD)ms);
#else
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
#endif
}

/* A read that blocks in another thread, for mailslot_interrupt. */
struct blocked {
    mailslot_reader *r;
    volatile int rc;
    volatile int done;
};

#ifdef _WIN32
static DWORD WINAPI blocked_read(LPVOID arg)
#else
static void *blocked_read(void *arg)
#endif
{
    struct blocked *b = arg;
    char buf[8];
    size_t len;
    b->rc = mailslot_read(b->r, buf, sizeof buf, &len, MAILSLOT_WAIT_FOREVER);
    b->done = 1;
#ifdef _WIN32
    return 0;
#else
    return NULL;
#endif
}

static void check_interrupt(mailslot_reader *r)
{
    struct blocked b = {r, 12345, 0};
#ifdef _WIN32
    HANDLE t = CreateThread(NULL, 0, blocked_read, &b, 0, NULL);
    CHECK(t != NULL);
    if (t == NULL)
        return;
#else
    pthread_t t;
    if (pthread_create(&t, NULL, blocked_read, &b) != 0) {
        CHECK(0 && "pthread_create");
        return;
    }
#endif
    /* It wakes only reads that wait at the moment: call until it has. */
    for (int i = 0; i < 1000 && !b.done; i++) {
        pause_ms(10);
        OK(mailslot_interrupt(r));
    }
#ifdef _WIN32
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
#else
    pthread_join(t, NULL);
#endif
    RC(MAILSLOT_E_INTERRUPTED, b.rc);
}

int main(void)
{
    char path[64], name[96], other[96], canonical[128], star[128], buf[256];
    size_t len = 0;
    uint32_t max_size = 0, next = 0, count = 0;
    int32_t timeout = 0;
    int64_t value = -1;
    snprintf(path, sizeof path, "abi-client\\%d", client_pid());
    snprintf(name, sizeof name, "\\\\.\\mailslot\\%s", path);
    snprintf(other, sizeof other, "abi-client\\%d-nobody", client_pid());
    snprintf(canonical, sizeof canonical, "\\\\.\\mailslot\\%s", path);
    snprintf(star, sizeof star, "\\\\*\\mailslot\\%s", path);

    /* ---- version and errors ---- */
    int version = mailslot_version();
    CHECK(version / 10000 == MAILSLOT_VERSION_MAJOR);
    CHECK(version >= MAILSLOT_VERSION_NUMBER);
    const char *text = mailslot_version_string();
    CHECK(text != NULL);
    if (text != NULL) {
        int major = -1, minor = -1, patch = -1;
        CHECK(sscanf(text, "%d.%d.%d", &major, &minor, &patch) == 3);
        CHECK(major * 10000 + minor * 100 + patch == version);
    }
    for (int code = MAILSLOT_OK; code >= MAILSLOT_E_SYSTEM; code--) {
        const char *s = mailslot_strerror(code);
        CHECK(s != NULL && s[0] != '\0');
    }
    CHECK(mailslot_strerror(-12345) != NULL);
    CHECK(mailslot_last_error_detail() != NULL);

    /* ---- options ---- */
    mailslot_options *o = NULL;
    RC(MAILSLOT_E_INVALID, mailslot_options_new(NULL));
    OK(mailslot_options_new(&o));
    CHECK(o != NULL);
    CHECK(mailslot_last_error_detail()[0] != '\0'); /* options_new(NULL) failed in this thread */
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 100));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 2));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, 50));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 0));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 0));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, 17317));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_TTL, 1));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, "abi-client-domain"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, 99999, 1));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 0));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_int(NULL, MAILSLOT_OPT_QUEUE_LIMIT, 1));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_QUEUE_LIMIT, "1"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, NULL));
    mailslot_options_free(NULL);

    mailslot_options *local = NULL; /* a writer's options: network off */
    OK(mailslot_options_new(&local));
    OK(mailslot_options_set_int(local, MAILSLOT_OPT_NETWORK, 0));

    /* ---- names ---- */
    OK(mailslot_name_canonical("ABI-Client/X", buf, sizeof buf, &len));
    CHECK(strcmp(buf, "\\\\.\\mailslot\\abi-client\\x") == 0 && len == strlen(buf));
    RC(MAILSLOT_E_BUFFER, mailslot_name_canonical("abi-client\\x", buf, 4, &len));
    CHECK(len == strlen("\\\\.\\mailslot\\abi-client\\x"));
    RC(MAILSLOT_E_NAME, mailslot_name_canonical("\\\\.\\pipe\\x", buf, sizeof buf, &len));
    RC(MAILSLOT_E_NAME, mailslot_name_canonical("a\\..\\b", buf, sizeof buf, &len));
    RC(MAILSLOT_E_INVALID, mailslot_name_canonical(NULL, buf, sizeof buf, &len));

    /* ---- reader ---- */
    mailslot_reader *r = NULL, *r2 = NULL;
    RC(MAILSLOT_E_INVALID, mailslot_create(NULL, o, &r));
    RC(MAILSLOT_E_NAME, mailslot_create("\\\\*\\mailslot\\abi-client", o, &r));
    OK(mailslot_create(path, o, &r));
    if (r == NULL) {
        printf("client 1.0: cannot go on without a reader (%d checks, %d failed)\n", checks,
               failures + 1);
        return 1;
    }
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &r2));
    CHECK(r2 == NULL);
    OK(mailslot_reader_name(r, buf, sizeof buf, &len));
    CHECK(strcmp(buf, canonical) == 0 && len == strlen(canonical));
    RC(MAILSLOT_E_BUFFER, mailslot_reader_name(r, buf, 3, &len));
    CHECK(len == strlen(canonical));

    OK(mailslot_info(r, &max_size, &next, &count, &timeout));
    CHECK(max_size == 100 && next == MAILSLOT_NO_MESSAGE && count == 0 && timeout == 50);
    OK(mailslot_info(r, NULL, NULL, NULL, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_info(NULL, &max_size, NULL, NULL, NULL));

    OK(mailslot_reader_get_int(r, MAILSLOT_OPT_MAX_MESSAGE_SIZE, &value));
    CHECK(value == 100);
    OK(mailslot_reader_get_int(r, MAILSLOT_OPT_READ_TIMEOUT, &value));
    CHECK(value == 50);
    OK(mailslot_reader_get_int(r, MAILSLOT_OPT_QUEUE_LIMIT, &value));
    CHECK(value == 2);
    OK(mailslot_reader_get_int(r, MAILSLOT_OPT_ALLOW_ANY_USER, &value));
    CHECK(value == 0);
    OK(mailslot_reader_get_int(r, MAILSLOT_OPT_NETWORK, &value));
    CHECK(value == 0);
    OK(mailslot_reader_get_int(r, MAILSLOT_OPT_PORT, &value));
    CHECK(value == 17317);
    for (int key = MAILSLOT_STAT_NET_RECEIVED; key <= MAILSLOT_STAT_NET_OVER_LIMIT; key++) {
        value = -1;
        OK(mailslot_reader_get_int(r, key, &value));
        CHECK(value == 0);
    }
    value = 7;
    RC(MAILSLOT_E_INVALID, mailslot_reader_get_int(r, 99999, &value));
    CHECK(value == 7);

    OK(mailslot_set_read_timeout(r, 20));
    OK(mailslot_info(r, NULL, NULL, NULL, &timeout));
    CHECK(timeout == 20);
    RC(MAILSLOT_E_INVALID, mailslot_set_read_timeout(r, -5));
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 0));
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, MAILSLOT_USE_DEFAULT));
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 10));
    RC(MAILSLOT_E_INVALID, mailslot_read(r, NULL, 5, &len, 0));
    RC(MAILSLOT_E_INVALID, mailslot_read(NULL, buf, sizeof buf, &len, 0));
    intptr_t fd1 = -1, fd2 = -2;
    OK(mailslot_fd(r, &fd1));
    OK(mailslot_fd(r, &fd2));
    CHECK(fd1 == fd2);
    CHECK(fd_ready(r, 0) == 0);

    /* ---- writer ---- */
    mailslot_writer *w = NULL, *w2 = NULL;
    RC(MAILSLOT_E_NOT_FOUND, mailslot_open(other, local, &w2));
    RC(MAILSLOT_E_NAME, mailslot_open("\\\\.\\pipe\\x", local, &w2));
    RC(MAILSLOT_E_INVALID, mailslot_open(NULL, local, &w2));
    RC(MAILSLOT_E_NETWORK, mailslot_open("\\\\192.0.2.1\\mailslot\\x", local, &w2));
    CHECK(w2 == NULL);
    OK(mailslot_open(name, NULL, &w));
    if (w == NULL) {
        printf("client 1.0: cannot go on without a writer (%d checks, %d failed)\n", checks,
               failures + 1);
        return 1;
    }

    OK(mailslot_write(w, "hello", 5));
    CHECK(fd_ready(r, 10000) == 1);
    OK(mailslot_info(r, NULL, &next, &count, NULL));
    CHECK(next == 5 && count == 1);
    len = 0;
    RC(MAILSLOT_E_BUFFER, mailslot_read(r, buf, 2, &len, 0));
    CHECK(len == 5);
    OK(mailslot_read(r, buf, sizeof buf, &len, 1000));
    CHECK(len == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(fd_ready(r, 0) == 0);

    OK(mailslot_write(w, "", 0));
    len = 99;
    OK(mailslot_read(r, buf, sizeof buf, &len, 1000));
    CHECK(len == 0);
    RC(MAILSLOT_E_INVALID, mailslot_write(w, NULL, 3));
    RC(MAILSLOT_E_INVALID, mailslot_write(NULL, "x", 1));

    /* Over the reader's MAX_MESSAGE_SIZE (100) and over 64 KiB. */
    static char big[MAILSLOT_MAX_LOCAL_MESSAGE + 1];
#ifdef _WIN32
    OK(mailslot_write(w, big, 101)); /* Windows: the reader discards it */
#else
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, 101));
#endif
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, sizeof big));
    OK(mailslot_write(w, big, 100));
    OK(mailslot_read(r, buf, sizeof buf, &len, 1000));
    CHECK(len == 100);
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 0));

#ifndef _WIN32
    /* QUEUE_LIMIT 2 (on Windows the writer is not told: the reader discards). */
    OK(mailslot_write(w, "1", 1));
    OK(mailslot_write(w, "2", 1));
    RC(MAILSLOT_E_FULL, mailslot_write(w, "3", 1));
    OK(mailslot_read(r, buf, sizeof buf, &len, 1000));
    CHECK(len == 1 && buf[0] == '1');
    OK(mailslot_read(r, buf, sizeof buf, &len, 1000));
    CHECK(len == 1 && buf[0] == '2');
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 0));
#endif

    /* "*" with the network off: this host's reader. */
    OK(mailslot_open(star, local, &w2));
    OK(mailslot_write(w2, "all", 3));
    OK(mailslot_read(r, buf, sizeof buf, &len, 2000));
    CHECK(len == 3 && memcmp(buf, "all", 3) == 0);
    mailslot_writer_close(w2);

    /* mailslot_interrupt: a read waiting in another thread; later reads are not affected. */
    check_interrupt(r);
    RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, buf, sizeof buf, &len, 0));
    RC(MAILSLOT_E_INVALID, mailslot_interrupt(NULL));

    /* Closing: the name is free again, and the writer says no reader owns it. */
    mailslot_reader_close(r);
    RC(MAILSLOT_E_NOT_FOUND, mailslot_write(w, "lost", 4));
    OK(mailslot_create(name, NULL, &r2));
    OK(mailslot_write(w, "again", 5));
    if (r2 != NULL) {
        OK(mailslot_read(r2, buf, sizeof buf, &len, 2000));
        CHECK(len == 5 && memcmp(buf, "again", 5) == 0);
    }
    mailslot_writer_close(w);
    mailslot_writer_close(NULL);
    mailslot_reader_close(r2);
    mailslot_reader_close(NULL);
    mailslot_options_free(local);
    mailslot_options_free(o);

    printf("client 1.0 (header %d.%d.%d) against library %s: %d checks, %d failed\n",
           MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR, MAILSLOT_VERSION_PATCH,
           mailslot_version_string(), checks, failures);
    return failures ? 1 : 0;
}
