/* SPDX-License-Identifier: MIT */
/* test_nomem.c -- out of memory on every path that allocates.
 *
 * The suites link the fault-injection build (CMake MAILSLOT_FAULT_INJECTION,
 * src/alloc.h): ms_alloc_fail_nth(n) makes the library's nth allocation
 * from now fail. Each test calls an entry point with n = 1, 2, ... until the
 * call no longer reaches a failing allocation, and asserts that every call
 * that met one returned MAILSLOT_E_NOMEM and left nothing behind: the name is
 * free again, the forwarder's port and name too, no descriptor stays open
 * (POSIX: /proc/self/fd), and no memory leaks (CI runs the suite under ASan
 * and valgrind). Allocations of the C library or the OS (getaddrinfo,
 * getifaddrs, thread stacks, the reader's mmap'd receive buffers) are not
 * ours to fail here: those report MAILSLOT_E_SYSTEM or MAILSLOT_E_NOMEM as
 * abi/mailslot.h says.
 *
 * Messages a writer was told were sent must not be lost when the reader's
 * queue cannot grow: test_queue_out_of_memory_loses_nothing. */
#include "test_util.h"

#include "alloc.h"
#include "auth/auth.h"
#include "net/forward.h"
#include "test_platform.h"

#include <sys/stat.h>
#include <time.h>
#ifndef _WIN32
#include <dirent.h>
#endif

#ifndef MAILSLOT_FAULT_INJECTION
#error "test_nomem needs the fault-injection build (MAILSLOT_FAULT_INJECTION)"
#endif

#define MAX_ALLOCS 64 /* no entry point allocates more than this */

/* ---- helpers --------------------------------------------------------------- */

static long failures(void)
{
    return atomic_load(&ms_alloc_failures);
}

/* Descriptors open in this process; -1 where that cannot be told. */
static int open_fds(void)
{
#ifdef _WIN32
    return -1;
#else
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
#endif
}

/* Calls fn with its nth allocation failing, for n = 1, 2, ..., until a call
 * meets no failure; every one that does must return MAILSLOT_E_NOMEM, and
 * then check(ctx) must find everything clean. Returns the number of
 * allocations the successful call made. */
typedef int (*call_fn)(void *ctx);
typedef void (*check_fn)(void *ctx);

static int each_allocation_fails(call_fn fn, check_fn check, void *ctx)
{
    for (int n = 1; n <= MAX_ALLOCS; n++) {
        long before = failures();
        int fds = open_fds();
        ms_alloc_fail_nth(n);
        int rc = fn(ctx);
        ms_alloc_fail_nth(0);
        if (failures() == before) {
            if (rc != MAILSLOT_OK)
                fail_msg("no allocation failed, yet the call returned %d (%s)", rc,
                         mailslot_last_error_detail());
            return n - 1;
        }
        if (rc != MAILSLOT_E_NOMEM)
            fail_msg("allocation %d failed: expected MAILSLOT_E_NOMEM, got %d (%s)", n, rc,
                     mailslot_last_error_detail());
        if (check)
            check(ctx);
        if (fds >= 0 && open_fds() != fds)
            fail_msg("allocation %d failed: %d descriptors open before, %d after", n, fds,
                     open_fds());
    }
    fail_msg("more than %d allocations", MAX_ALLOCS);
    return -1;
}

static mailslot_options *net_options(int port)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, port));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    return o;
}

static void read_exactly(mailslot_reader *r, const char *want)
{
    char buf[256];
    size_t len = 0;
    int rc = mailslot_read(r, buf, sizeof buf, &len, 5000);
    if (rc != MAILSLOT_OK)
        fail_msg("expected \"%s\", read returned %d (%s)", want, rc, mailslot_last_error_detail());
    assert_int_equal(len, strlen(want));
    assert_memory_equal(buf, want, len);
}

/* ---- options ---------------------------------------------------------------- */

static int call_options_new(void *ctx)
{
    mailslot_options **o = ctx;
    *o = NULL;
    return mailslot_options_new(o);
}

static void test_options_new(void **state)
{
    (void)state;
    mailslot_options *o = NULL;
    assert_int_equal(each_allocation_fails(call_options_new, NULL, &o), 1);
    assert_non_null(o);
    mailslot_options_free(o);
}

/* ---- readers ------------------------------------------------------------------ */

typedef struct create_ctx {
    const char *name;
    mailslot_options *o;
    mailslot_reader *r;
    int port; /* with the network: the forwarder's */
} create_ctx;

static int call_create(void *ctx)
{
    create_ctx *c = ctx;
    c->r = NULL;
    int rc = mailslot_create(c->name, c->o, &c->r);
    if (rc != MAILSLOT_OK)
        assert_null(c->r);
    return rc;
}

/* The failed create left the name free. */
static void name_is_free(void *ctx)
{
    create_ctx *c = ctx;
    mailslot_reader *r;
    OK(mailslot_create(c->name, NULL, &r));
    mailslot_reader_close(r);
}

static void test_create_local(void **state)
{
    (void)state;
    NAME(name, "nomem-create");
    create_ctx c = {.name = name};
    assert_true(each_allocation_fails(call_create, name_is_free, &c) >= 2);
    /* It works, and a second reader is still refused. */
    mailslot_reader *again;
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &again));
    mailslot_reader_close(c.r);
}

#ifndef _WIN32
static struct {
    pthread_mutex_t mu;
    ms_fwd_state state;
} fwd_seen = {PTHREAD_MUTEX_INITIALIZER, MS_FWD_OFF};

static void on_state(ms_fwd_state s, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&fwd_seen.mu);
    fwd_seen.state = s;
    pthread_mutex_unlock(&fwd_seen.mu);
}

static ms_fwd_state fwd_state(void)
{
    pthread_mutex_lock(&fwd_seen.mu);
    ms_fwd_state s = fwd_seen.state;
    pthread_mutex_unlock(&fwd_seen.mu);
    return s;
}

/* The failed create left the name free, and the forwarder's name and port:
 * a reader created now becomes the host's forwarder (an earlier attempt
 * that kept them would make it wait for itself). */
static void name_and_port_are_free(void *ctx)
{
    create_ctx *c = ctx;
    assert_int_equal(fwd_state(), MS_FWD_OFF);
    mailslot_reader *r;
    OK(mailslot_create(c->name, c->o, &r));
    assert_int_equal(fwd_state(), MS_FWD_ACTIVE);
    mailslot_reader_close(r);
    assert_int_equal(fwd_state(), MS_FWD_OFF);
}

static void test_create_network(void **state)
{
    (void)state;
    NAME(name, "nomem-create-net");
    create_ctx c = {.name = name, .port = test_free_port()};
    c.o = net_options(c.port);
    ms_forwarder_observe(on_state, NULL);
    /* The reader, its local part, then the forwarder's sources. */
    assert_true(each_allocation_fails(call_create, name_and_port_are_free, &c) >= 4);
    assert_int_equal(fwd_state(), MS_FWD_ACTIVE);
    mailslot_reader_close(c.r);
    ms_forwarder_observe(NULL, NULL);
    mailslot_options_free(c.o);
}

/* The state the forwarder reaches within 20 s (a deadline for a broken
 * build, not a measure of speed), polled. */
static int reaches(ms_fwd_state want)
{
    time_t t0 = time(NULL);
    while (fwd_state() != want && time(NULL) - t0 <= 20)
        sched_yield();
    return fwd_state() == want;
}

/* A takeover runs on the I/O thread when the owner's process ends. If it
 * runs out of memory half-way (after the name or the port was taken), it
 * gives them back and tries again a second later; before 1.1 the
 * forwarder stayed off (holding the name) until the last reader closed. */
static void test_takeover_without_memory_retries(void **state)
{
    (void)state;
    ms_forwarder_observe(on_state, NULL);
    for (int n = 1; n <= 4; n++) {
        NAME(owner_name, "nomem-owner");
        NAME(name, "nomem-heir");
        int port = test_free_port();
        test_process *owner = test_forwarder_process(owner_name, port);
        mailslot_options *o = net_options(port);
        mailslot_reader *r;
        OK(mailslot_create(name, o, &r));
        assert_true(reaches(MS_FWD_WAITING));
        long before = failures();
        ms_alloc_fail_nth(n); /* the nth allocation of the takeover */
        test_process_kill(owner);
        int active = reaches(MS_FWD_ACTIVE);
        ms_alloc_fail_nth(0);
        if (!active)
            fail_msg("allocation %d of the takeover failed (%ld failures): the forwarder is %s", n,
                     failures() - before, ms_fwd_state_text(fwd_state()));
        mailslot_reader_close(r);
        mailslot_options_free(o);
        assert_int_equal(fwd_state(), MS_FWD_OFF);
    }
    ms_forwarder_observe(NULL, NULL);
}
#endif

/* ---- writers ------------------------------------------------------------------ */

typedef struct open_ctx {
    const char *name;
    mailslot_options *o;
    mailslot_writer *w;
} open_ctx;

static int call_open(void *ctx)
{
    open_ctx *c = ctx;
    c->w = NULL;
    int rc = mailslot_open(c->name, c->o, &c->w);
    if (rc != MAILSLOT_OK)
        assert_null(c->w);
    return rc;
}

static void open_each(const char *target, mailslot_options *o, mailslot_reader *r, int min)
{
    open_ctx c = {.name = target, .o = o};
    assert_true(each_allocation_fails(call_open, NULL, &c) >= min);
    OK(mailslot_write(c.w, "after", 5));
    if (r)
        read_exactly(r, "after");
    mailslot_writer_close(c.w);
}

static void test_open_local(void **state)
{
    (void)state;
    NAME(name, "nomem-open");
    /* The reader in another process, so that the loop counts this process's
     * allocations and descriptors only: a reader here would close its end of
     * each refused connection on its own thread, a moment later. */
    test_process *p = test_reader_process(name);
    open_each(name, NULL, NULL, 2); /* the writer and its local part */
    test_process_kill(p);
}

#ifndef _WIN32
/* The reader (here in this process, usually another) cannot grow its table
 * of connections for a new writer: the writer is refused before it is
 * greeted, and its open says so (MAILSLOT_E_SYSTEM: the reader's memory, not
 * the writer's). Before 1.0.1 the reader greeted the writer, then dropped
 * the connection, and what the writer sent in between was lost. */
static void test_reader_without_memory_for_a_writer(void **state)
{
    (void)state;
    NAME(name, "nomem-conns");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w[9];
    for (int i = 0; i < 8; i++) /* the table starts with 8 */
        OK(mailslot_open(name, NULL, &w[i]));
    long before = failures();
    ms_alloc_fail_nth(3); /* the writer, its local part, then the reader's table */
    RC(MAILSLOT_E_SYSTEM, mailslot_open(name, NULL, &w[8]));
    ms_alloc_fail_nth(0);
    assert_int_equal(failures(), before + 1);
    assert_non_null(strstr(mailslot_last_error_detail(), "memory"));
    OK(mailslot_open(name, NULL, &w[8]));
    for (int i = 0; i < 9; i++) {
        char msg[16];
        snprintf(msg, sizeof msg, "w%d", i);
        OK(mailslot_write(w[i], msg, strlen(msg)));
        read_exactly(r, msg);
        mailslot_writer_close(w[i]);
    }
    mailslot_reader_close(r);
}
#endif

static void test_open_every_host_network_off(void **state)
{
    (void)state;
    NAME(path, "nomem-open-all");
    mailslot_reader *r;
    OK(mailslot_create(path, NULL, &r));
    char target[256];
    snprintf(target, sizeof target, "\\\\*\\mailslot\\%s", path);
    open_each(target, NULL, r, 3); /* the writer, its sender, this host's copy */
    mailslot_reader_close(r);
}

static void test_open_network(void **state)
{
    (void)state;
    mailslot_options *o = net_options(test_free_port());
    /* "*" and an IP literal: a UDP sender each (no name to resolve). */
    open_each("\\\\*\\mailslot\\test\\nomem-nobody", o, NULL, 4);
    open_each("\\\\127.0.0.1\\mailslot\\test\\nomem-nobody", o, NULL, 3);
    mailslot_options_free(o);
}

/* ---- writing and reading --------------------------------------------------- */

typedef struct write_ctx {
    mailslot_writer *w;
    mailslot_reader *r;
    int i;
} write_ctx;

static int call_write_read(void *ctx)
{
    write_ctx *c = ctx;
    char msg[32];
    snprintf(msg, sizeof msg, "m%d", c->i++);
    int rc = mailslot_write(c->w, msg, strlen(msg));
    if (rc == MAILSLOT_OK)
        read_exactly(c->r, msg);
    return rc;
}

/* A write and the read of its message succeed whichever of the next
 * allocations fails: the writer makes none, and the reader's (its queue's
 * ring and block with the first message) cannot lose the message. Before
 * 1.0.1 the first message was dropped silently (and on Windows, where the
 * reader's thread now holds it until it can be queued or read, before 1.1). */
static void test_write_and_read(void **state)
{
    (void)state;
    NAME(name, "nomem-write");
    write_ctx c = {.i = 0};
    OK(mailslot_create(name, NULL, &c.r));
    OK(mailslot_open(name, NULL, &c.w));
    for (int n = 1; n <= 3; n++) {
        ms_alloc_fail_nth(n);
        OK(call_write_read(&c));
        ms_alloc_fail_nth(0);
    }
    intptr_t fd;
    ms_alloc_fail_nth(1);
    OK(mailslot_fd(c.r, &fd)); /* an eventfd: the OS's, not our allocation */
    ms_alloc_fail_nth(0);
    mailslot_writer_close(c.w);
    mailslot_reader_close(c.r);
}

#ifndef _WIN32
/* The queue allocates its ring and its first block with the first message,
 * grows the ring at 64, 128, ... messages, and takes a new block when one
 * is full. Writers were told their messages were sent; when the queue
 * cannot take one, it waits where it was received and is read from there.
 * Before 1.0.1 such a message was dropped silently. */
static void test_queue_out_of_memory_loses_nothing(void **state)
{
    (void)state;
    for (int fill = 0; fill <= 64; fill += 64) {
        for (int n = 1; n <= 3; n++) {
            NAME(name, "nomem-queue");
            mailslot_reader *r;
            mailslot_writer *w;
            OK(mailslot_create(name, NULL, &r));
            OK(mailslot_open(name, NULL, &w));
            char msg[32];
            for (int i = 0; i < fill; i++) {
                snprintf(msg, sizeof msg, "fill %d", i);
                OK(mailslot_write(w, msg, strlen(msg)));
            }
            /* The reader has received those (info drains the sockets). */
            uint32_t count = 0, next;
            OK(mailslot_info(r, NULL, &next, &count, NULL));
            assert_int_equal(count, fill);
            long before = failures();
            ms_alloc_fail_nth(n);
            for (int i = 0; i < 3; i++) {
                snprintf(msg, sizeof msg, "message %d", i);
                OK(mailslot_write(w, msg, strlen(msg)));
            }
            /* Whoever receives them meets the failure (the I/O thread, or
             * info here); all three count and wait. */
            OK(mailslot_info(r, NULL, &next, &count, NULL));
            assert_int_equal(count, fill + 3);
            ms_alloc_fail_nth(0);
            if (n == 1) /* the ring, new or grown */
                assert_int_equal(failures(), before + 1);
            for (int i = 0; i < fill; i++) {
                snprintf(msg, sizeof msg, "fill %d", i);
                read_exactly(r, msg);
            }
            for (int i = 0; i < 3; i++) {
                snprintf(msg, sizeof msg, "message %d", i);
                read_exactly(r, msg);
            }
            size_t len;
            RC(MAILSLOT_E_TIMEOUT, mailslot_read(r, msg, sizeof msg, &len, 0));
            mailslot_writer_close(w);
            mailslot_reader_close(r);
        }
    }
}

#endif /* Windows counts only what its reader's thread has read (see settle) */

/* The same while the queue is out of memory for good: every message is read,
 * in order, straight from where it was received. */
static void test_queue_without_memory_reads_in_order(void **state)
{
    (void)state;
    NAME(name, "nomem-queue-dry");
    mailslot_reader *r;
    mailslot_writer *w;
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_open(name, NULL, &w));
    char msg[32];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            ms_alloc_fail_nth(1); /* the next allocation, whoever makes it */
            snprintf(msg, sizeof msg, "r%d m%d", round, i);
            OK(mailslot_write(w, msg, strlen(msg)));
        }
        for (int i = 0; i < 40; i++) {
            ms_alloc_fail_nth(1);
            snprintf(msg, sizeof msg, "r%d m%d", round, i);
            read_exactly(r, msg);
        }
    }
    ms_alloc_fail_nth(0);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

#ifndef _WIN32
/* A copy of a "*" message reaches this host's reader as a packet, which
 * needs the reader's duplicate table (made with the first packet) and a
 * place in the queue. Without memory for them the packet is dropped and
 * counted as MAILSLOT_STAT_NET_OVER_LIMIT (a datagram's sender cannot be
 * told), never as a duplicate; the next packet gets through. */
static void test_packet_without_memory_is_counted(void **state)
{
    (void)state;
    for (int n = 1; n <= 3; n++) {
        NAME(path, "nomem-packet");
        mailslot_reader *r;
        OK(mailslot_create(path, NULL, &r));
        /* The reader's table of connections, made before the failures. */
        mailslot_writer *local;
        OK(mailslot_open(path, NULL, &local));
        char target[256];
        snprintf(target, sizeof target, "\\\\*\\mailslot\\%s", path);
        mailslot_writer *w;
        OK(mailslot_open(target, NULL, &w));
        long before = failures();
        ms_alloc_fail_nth(n);
        OK(mailslot_write(w, "first", 5));
        uint32_t count, next;
        OK(mailslot_info(r, NULL, &next, &count, NULL));
        ms_alloc_fail_nth(0);
        int64_t over, dup, received;
        OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_OVER_LIMIT, &over));
        OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_DUPLICATE, &dup));
        OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_RECEIVED, &received));
        assert_int_equal(dup, 0);
        if (failures() > before) {
            assert_int_equal(count, 0);
            assert_int_equal(over, 1);
            assert_int_equal(received, 0);
        } else {
            read_exactly(r, "first");
        }
        OK(mailslot_write(w, "second", 6));
        read_exactly(r, "second");
        mailslot_writer_close(w);
        mailslot_writer_close(local);
        mailslot_reader_close(r);
    }
}
#endif /* Windows readers are native mailslots: src/win32/reader.c */

/* ---- keys ----------------------------------------------------------------- */

#define NOMEM_KEY "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"

static int call_set_keys(void *ctx)
{
    return mailslot_options_set_str(ctx, MAILSLOT_OPT_KEYS, NOMEM_KEY);
}

/* Keys are copied into the options, read (a key file) and parsed into the
 * reader's or writer's keyring: each allocation on the way may fail. */
static void test_keys(void **state)
{
    (void)state;
    if (!ms_auth_available())
        skip();
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    assert_int_equal(each_allocation_fails(call_set_keys, NULL, o), 1);
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    NAME(name, "nomem-keys");
    create_ctx c = {.name = name, .o = o};
    assert_true(each_allocation_fails(call_create, name_is_free, &c) >= 3);
    int64_t keys = 0;
    OK(mailslot_reader_get_int(c.r, MAILSLOT_OPT_KEYS, &keys));
    assert_int_equal(keys, 1);
    char target[256];
    snprintf(target, sizeof target, "\\\\*\\mailslot\\%s", name);
    open_each(target, o, c.r, 4); /* the writer, its keyring, sender, copy */
    mailslot_reader_close(c.r);
    /* From a key file: its text is read into memory too. */
    char path[256];
    snprintf(path, sizeof path, "%s/mailslot-nomem-keys-%d", test_temp_dir(), (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(NOMEM_KEY, f);
    fclose(f);
    chmod(path, 0600);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEY_FILE, path));
    assert_true(each_allocation_fails(call_create, name_is_free, &c) >= 4);
    mailslot_reader_close(c.r);
    unlink(path);
    mailslot_options_free(o);
}

#ifndef _WIN32
/* A keyed reader makes its replay table with the first signed packet;
 * without memory for it the packet is dropped and counted (as over the
 * limit), and the next one gets through. */
static void test_signed_packet_without_memory_is_counted(void **state)
{
    (void)state;
    if (!ms_auth_available())
        skip();
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEYS, NOMEM_KEY));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    NAME(path, "nomem-signed");
    mailslot_reader *r;
    OK(mailslot_create(path, o, &r));
    mailslot_writer *local;
    OK(mailslot_open(path, NULL, &local));
    char target[256];
    snprintf(target, sizeof target, "\\\\*\\mailslot\\%s", path);
    mailslot_writer *w;
    OK(mailslot_open(target, o, &w));
    long before = failures();
    ms_alloc_fail_nth(1);
    OK(mailslot_write(w, "first", 5));
    uint32_t count, next;
    OK(mailslot_info(r, NULL, &next, &count, NULL));
    ms_alloc_fail_nth(0);
    assert_int_equal(failures(), before + 1);
    int64_t over, verified;
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_OVER_LIMIT, &over));
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_AUTH_VERIFIED, &verified));
    assert_int_equal(count, 0);
    assert_int_equal(over, 1);
    assert_int_equal(verified, 0);
    OK(mailslot_write(w, "second", 6));
    read_exactly(r, "second");
    mailslot_writer_close(w);
    mailslot_writer_close(local);
    mailslot_reader_close(r);
    mailslot_options_free(o);
}
#endif

/* Whatever a process keeps once it used the library (a descriptor held in
 * reserve) is there before the descriptors are counted. */
static int warm_up(void **state)
{
    (void)state;
    NAME(name, "nomem-warm-up");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_new),
        cmocka_unit_test(test_create_local),
#ifndef _WIN32
        cmocka_unit_test(test_create_network),
        cmocka_unit_test(test_takeover_without_memory_retries),
#endif
        cmocka_unit_test(test_open_local),
#ifndef _WIN32
        cmocka_unit_test(test_reader_without_memory_for_a_writer),
#endif
        cmocka_unit_test(test_open_every_host_network_off),
        cmocka_unit_test(test_open_network),
        cmocka_unit_test(test_write_and_read),
        cmocka_unit_test(test_queue_without_memory_reads_in_order),
#ifndef _WIN32
        cmocka_unit_test(test_queue_out_of_memory_loses_nothing),
        cmocka_unit_test(test_packet_without_memory_is_counted),
        cmocka_unit_test(test_signed_packet_without_memory_is_counted),
#endif
        cmocka_unit_test(test_keys),
    };
    return MS_RUN_TESTS("nomem", tests, warm_up, NULL);
}
