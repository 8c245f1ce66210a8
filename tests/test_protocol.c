/* SPDX-License-Identifier: MIT */
/* test_protocol.c -- the local protocol under bad peers: a "reader" that
 * answers wrongly, writers that break the framing, and exhausted resources.
 * Every failure must be a clear error code, never a crash or a hang. */
#include "test_util.h"

#include "test_platform.h"

#include "packets.h"

#include "raw_connect.h"

#include "name.h"
#include "linux/local.h"
#include "testing.h"
#include "net/legacy.h"
#include "net/wire.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* ---- a fake reader ------------------------------------------------------ */

typedef enum answer { CLOSE_AT_ONCE, BAD_MAGIC, WRONG_PATH, NO_PAGE } answer;

typedef struct fake_reader {
    int listen_fd;
    answer answer;
    char path[MS_PATH_MAX + 1]; /* of the name it fakes a reader for */
    pthread_t thread;
} fake_reader;

static void *fake_accept(void *arg)
{
    fake_reader *f = arg;
    int fd = accept(f->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    ms_hello h;
    memset(&h, 0, sizeof h);
    h.magic = f->answer == BAD_MAGIC ? 0xDEADBEEF : MS_HELLO_MAGIC;
    h.version = MS_LOCAL_VERSION;
    h.type = MS_REC_HELLO;
    h.max_message_size = 100;
    h.queue_limit = 10;
    /* Its own path, so that each answer has only one thing wrong. */
    strcpy(h.path, f->answer == WRONG_PATH ? "somebody\\else" : f->path);
    h.path_len = (uint32_t)strlen(h.path);
    int memfd = -1;
    if (f->answer == WRONG_PATH) {
        /* A proper sealed page, so that only the path is wrong. */
        memfd = memfd_create("fake", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (memfd < 0 || ftruncate(memfd, MS_SHARED_SIZE) != 0 ||
            fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0)
            return NULL;
    }
    if (f->answer != CLOSE_AT_ONCE)
        ms_local_send_record(fd, &h, sizeof h, memfd);
    if (memfd >= 0)
        close(memfd);
    close(fd);
    return NULL;
}

static void fake_start(fake_reader *f, const char *name, answer a)
{
    f->answer = a;
    f->listen_fd = raw_listen(name, f->path);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_accept, f), 0);
}

static void fake_stop(fake_reader *f)
{
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
}

static void expect_open_fails(answer a, int want, const char *detail)
{
    NAME(name, "fake");
    fake_reader f;
    fake_start(&f, name, a);
    mailslot_writer *w = NULL;
    RC(want, mailslot_open(name, NULL, &w));
    assert_null(w);
    if (!strstr(mailslot_last_error_detail(), detail))
        fail_msg("detail \"%s\" lacks \"%s\"", mailslot_last_error_detail(), detail);
    fake_stop(&f);
}

static void test_reader_that_closes_at_once(void **state)
{
    (void)state;
    expect_open_fails(CLOSE_AT_ONCE, MAILSLOT_E_NOT_FOUND, "no reader owns");
}

static void test_reader_that_speaks_another_protocol(void **state)
{
    (void)state;
    expect_open_fails(BAD_MAGIC, MAILSLOT_E_SYSTEM, "another protocol");
}

static void test_reader_of_another_path(void **state)
{
    (void)state;
    /* What a digest collision of two long names would look like. */
    expect_open_fails(WRONG_PATH, MAILSLOT_E_NOT_FOUND, "its address belongs to");
}

static void test_reader_without_shared_page(void **state)
{
    (void)state;
    expect_open_fails(NO_PAGE, MAILSLOT_E_SYSTEM, "shared page");
}

/* ---- hostile writers ---------------------------------------------------- */

static void expect_connection_dropped(int fd)
{
    /* The reader ends a connection that breaks the protocol. */
    char c;
    assert_int_equal(recv(fd, &c, 1, 0), 0);
    close(fd);
}

static void test_hostile_writers_are_dropped_alone(void **state)
{
    (void)state;
    NAME(name, "hostile");
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 64));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    mailslot_writer *good;
    OK(mailslot_open(name, NULL, &good));

    /* A record too short to hold a header. */
    int fd = raw_connect(name);
    assert_int_equal(send(fd, "ab", 2, 0), 2);
    expect_empty(r);
    expect_connection_dropped(fd);
    /* An unknown record type. */
    fd = raw_connect(name);
    unsigned char bad_type[8] = {99, 0, 0, 0, 'x'};
    assert_int_equal(send(fd, bad_type, sizeof bad_type, 0), (ssize_t)sizeof bad_type);
    expect_empty(r);
    expect_connection_dropped(fd);
    /* A record over the reader's limit, which a real writer never sends. */
    fd = raw_connect(name);
    unsigned char big[MS_DATA_HEADER + 200] = {MS_REC_DATA};
    assert_int_equal(send(fd, big, sizeof big, 0), (ssize_t)sizeof big);
    expect_empty(r);
    expect_connection_dropped(fd);

    /* The well-behaved writer was never disturbed, and its places add up. */
    OK(mailslot_write(good, "fine", 4));
    expect_text(r, "fine");
    mailslot_writer_close(good);
    mailslot_reader_close(r);
}

/* ---- resources ---------------------------------------------------------- */

/* In a child with no descriptor left, create and open fail cleanly. */
static void test_out_of_descriptors(void **state)
{
    (void)state;
    NAME(name, "nofd");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    pid_t pid = test_fork();
    if (pid == 0) {
        struct rlimit lim = {.rlim_cur = 0, .rlim_max = 0};
        getrlimit(RLIMIT_NOFILE, &lim);
        lim.rlim_cur = 3; /* stdin, stdout, stderr */
        if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
            _exit(10);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        mailslot_reader *cr;
        mailslot_writer *cw;
        char other[140];
        snprintf(other, sizeof other, "%s-child", name);
        int rc1 = mailslot_create(other, NULL, &cr);
        int rc2 = mailslot_open(name, NULL, &cw);
        int ok = rc1 == MAILSLOT_E_SYSTEM && rc2 == MAILSLOT_E_SYSTEM &&
                 strstr(mailslot_last_error_detail(), "OS error") != NULL;
        if (!ok)
            fprintf(stderr, "create %d, open %d: %s\n", rc1, rc2, mailslot_last_error_detail());
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    mailslot_reader_close(r);
}

/* A reader process with no descriptor left refuses writers with a clear
 * error, and recovers when descriptors are free again. */
static void test_reader_out_of_descriptors_refuses_writers(void **state)
{
    (void)state;
    if (under_valgrind())
        skip(); /* valgrind emulates RLIMIT_NOFILE and needs descriptors of its own */
    NAME(name, "busy");
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_reader *r;
        if (mailslot_create(name, NULL, &r) != MAILSLOT_OK)
            _exit(2);
        /* The lowest free descriptor number becomes the limit: any new one fails. */
        int lowest = dup(0);
        close(lowest);
        struct rlimit lim;
        getrlimit(RLIMIT_NOFILE, &lim);
        struct rlimit low = {.rlim_cur = (rlim_t)lowest, .rlim_max = lim.rlim_max};
        char c = setrlimit(RLIMIT_NOFILE, &low) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(3);
        /* Descriptors again: a writer gets through. */
        setrlimit(RLIMIT_NOFILE, &lim);
        if (write(ready[1], &c, 1) != 1)
            _exit(3);
        char buf[16];
        size_t len;
        int rc = mailslot_read(r, buf, sizeof buf, &len, 10000);
        _exit(rc == MAILSLOT_OK && len == 2 ? 0 : 4);
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    mailslot_writer *w;
    RC(MAILSLOT_E_SYSTEM, mailslot_open(name, NULL, &w));
    assert_non_null(strstr(mailslot_last_error_detail(), "out of descriptors"));
    assert_int_equal(write(go[1], &c, 1), 1);
    assert_int_equal(read(ready[0], &c, 1), 1);
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "ok", 2));
    mailslot_writer_close(w);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    for (int i = 0; i < 2; i++) {
        close(ready[i]);
        close(go[i]);
    }
}

/* ---- packets forwarded from the network --------------------------------- */

/* Sends a PACKET record holding an encoded datagram for path. */
static void send_packet(int fd, const char *path, uint64_t sender, uint32_t seq,
                        const void *payload, size_t len)
{
    ms_packet p = test_packet(MS_WIRE_TO_ALL, "", path, sender, seq, payload, len);
    unsigned char rec[MS_DATA_HEADER + MS_WIRE_MAX_PACKET] = {MS_REC_PACKET};
    size_t n = ms_wire_encode(&p, rec + MS_DATA_HEADER, sizeof rec - MS_DATA_HEADER);
    assert_true(n > 0);
    assert_int_equal(send(fd, rec, MS_DATA_HEADER + n, 0), (ssize_t)(MS_DATA_HEADER + n));
}

/* Sends a PACKET record holding arbitrary bytes. */
static void send_raw_packet(int fd, const void *bytes, size_t len)
{
    unsigned char rec[MS_DATA_HEADER + 4096] = {MS_REC_PACKET};
    memcpy(rec + MS_DATA_HEADER, bytes, len);
    assert_int_equal(send(fd, rec, MS_DATA_HEADER + len, 0), (ssize_t)(MS_DATA_HEADER + len));
}

static mailslot_reader *create_reader(const char *name, int key, int64_t value, char *path,
                                      size_t cap)
{
    mailslot_reader *r = create_with(name, key, value);
    ms_name n;
    OK(ms_name_parse(name, &n));
    snprintf(path, cap, "%s", n.path);
    return r;
}

static void test_forwarded_packets_arrive_once_in_order(void **state)
{
    (void)state;
    NAME(name, "netrx");
    char path[300];
    mailslot_reader *r = create_reader(name, 0, 0, path, sizeof path);
    int fd = raw_connect(name);
    for (uint32_t seq = 0; seq < 10; seq++) {
        send_packet(fd, path, 0xABCDEF, seq, &seq, sizeof seq);
        send_packet(fd, path, 0xABCDEF, seq, &seq, sizeof seq); /* the copy from a second path */
    }
    for (uint32_t seq = 0; seq < 10; seq++)
        expect_message(r, &seq, sizeof seq);
    expect_empty(r);
    ms_net_counters c;
    ms_testing_net_counters(r, &c);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_RECEIVED), 10);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_DUPLICATE), 10);
    assert_int_equal(
        MS_NET(&c, MAILSLOT_STAT_NET_MALFORMED) + MS_NET(&c, MAILSLOT_STAT_NET_UNKNOWN_VERSION) +
            MS_NET(&c, MAILSLOT_STAT_NET_MISADDRESSED) + MS_NET(&c, MAILSLOT_STAT_NET_OVER_LIMIT),
        0);
    close(fd);
    mailslot_reader_close(r);
}

static void test_bad_forwarded_packets_are_counted_and_harmless(void **state)
{
    (void)state;
    NAME(name, "netbad");
    char path[300];
    mailslot_reader *r = create_reader(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 8, path, sizeof path);
    int fd = raw_connect(name);
    unsigned char noise[300];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (unsigned char)(i * 37 + 11);
    send_raw_packet(fd, noise, sizeof noise);                       /* not a packet */
    send_raw_packet(fd, "MSLT", 4);                                 /* truncated header */
    send_raw_packet(fd, "MSLT\x02\0\0\0\0\1\0\0xxxxxxxxxxxxa", 25); /* version 2 */
    send_packet(fd, "somewhere\\else", 1, 0, "x", 1);               /* another slot */
    send_packet(fd, path, 1, 1, "123456789", 9);                    /* over the reader's 8 bytes */
    send_packet(fd, path, 1, 2, "ok", 2);                           /* and still working */
    expect_text(r, "ok");
    expect_empty(r);
    ms_net_counters c;
    ms_testing_net_counters(r, &c);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_MALFORMED), 2);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_UNKNOWN_VERSION), 1);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_MISADDRESSED), 1);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_OVER_LIMIT), 1);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_RECEIVED), 1);
    close(fd);
    mailslot_reader_close(r);
}

static void test_forwarded_packets_share_the_queue_limit(void **state)
{
    (void)state;
    NAME(name, "netfull");
    char path[300];
    mailslot_reader *r = create_reader(name, MAILSLOT_OPT_QUEUE_LIMIT, 3, path, sizeof path);
    int fd = raw_connect(name);
    for (uint32_t seq = 0; seq < 5; seq++)
        send_packet(fd, path, 9, seq, &seq, sizeof seq);
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, 3);
    ms_net_counters c;
    ms_testing_net_counters(r, &c);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_RECEIVED), 3);
    assert_int_equal(MS_NET(&c, MAILSLOT_STAT_NET_OVER_LIMIT), 2);
    /* Local writers see the same limit, and room after a read. */
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    RC(MAILSLOT_E_FULL, mailslot_write(w, "local", 5));
    uint32_t first = 0;
    expect_message(r, &first, sizeof first);
    OK(mailslot_write(w, "local", 5));
    mailslot_writer_close(w);
    close(fd);
    mailslot_reader_close(r);
}

/* ---- Windows hosts' writes the forwarder passes on (legacy mode) -------- */

/* Sends a NETWORK record marked legacy, as the host forwarder passes on a
 * Windows host's write of payload to mailslot (local.h). */
static void send_legacy(int fd, const char *mailslot, const char *payload)
{
    unsigned char rec[MS_DATA_HEADER + MS_LEGACY_MAX_DATAGRAM] = {MS_REC_NETWORK,
                                                                  MS_NETWORK_LEGACY};
    size_t n =
        test_legacy_datagram(mailslot, payload, rec + MS_DATA_HEADER, sizeof rec - MS_DATA_HEADER);
    assert_true(n > 0);
    assert_int_equal(send(fd, rec, MS_DATA_HEADER + n, 0), (ssize_t)(MS_DATA_HEADER + n));
}

/* A reader on the network (its forwarder on loopback, a port of this
 * process's own) whose messages hold at most 8 bytes. */
static mailslot_reader *network_reader(const char *name)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, 20000 + getpid() % 20000));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 8));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

/* Queued with the network packets, in the order they came; those over the
 * reader's size, or for another slot, counted and dropped. */
static void test_legacy_writes_join_the_network_messages(void **state)
{
    (void)state;
    NAME(name, "legacyrx");
    char path[300];
    mailslot_reader *r = network_reader(name);
    ms_name n;
    OK(ms_name_parse(name, &n));
    snprintf(path, sizeof path, "%s", n.path);
    char mailslot[320];
    snprintf(mailslot, sizeof mailslot, "\\MAILSLOT\\%s", path);
    int fd = raw_connect(name);
    send_packet(fd, path, 5, 0, "net-1", 5);
    send_legacy(fd, mailslot, "win-1");
    send_legacy(fd, mailslot, "win-long!!");       /* over the reader's 8 bytes */
    send_legacy(fd, "\\MAILSLOT\\elsewhere", "x"); /* another slot */
    send_packet(fd, path, 5, 1, "net-2", 5);
    send_legacy(fd, mailslot, "win-2");
    expect_text(r, "net-1");
    expect_text(r, "win-1");
    expect_text(r, "net-2");
    expect_text(r, "win-2");
    expect_empty(r);
    int64_t v;
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_LEGACY_RECEIVED, &v));
    assert_int_equal(v, 2);
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_RECEIVED, &v));
    assert_int_equal(v, 4);
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_OVER_LIMIT, &v));
    assert_int_equal(v, 1);
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_MISADDRESSED, &v));
    assert_int_equal(v, 1);
    close(fd);
    mailslot_reader_close(r);
}

/* A reader that keeps off the network takes none. */
static void test_legacy_writes_skip_a_reader_off_the_network(void **state)
{
    (void)state;
    NAME(name, "legacyoff");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_NETWORK, 0);
    ms_name n;
    OK(ms_name_parse(name, &n));
    char mailslot[320];
    snprintf(mailslot, sizeof mailslot, "\\MAILSLOT\\%s", n.path);
    int fd = raw_connect(name);
    send_legacy(fd, mailslot, "win");
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "local", 5)); /* after the record: it was handled */
    mailslot_writer_close(w);
    expect_text(r, "local");
    expect_empty(r);
    int64_t v;
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_NET_MISADDRESSED, &v));
    assert_int_equal(v, 1);
    OK(mailslot_reader_get_int(r, MAILSLOT_STAT_LEGACY_RECEIVED, &v));
    assert_int_equal(v, 0);
    close(fd);
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_that_closes_at_once),
        cmocka_unit_test(test_legacy_writes_join_the_network_messages),
        cmocka_unit_test(test_legacy_writes_skip_a_reader_off_the_network),
        cmocka_unit_test(test_reader_that_speaks_another_protocol),
        cmocka_unit_test(test_reader_of_another_path),
        cmocka_unit_test(test_reader_without_shared_page),
        cmocka_unit_test(test_hostile_writers_are_dropped_alone),
        cmocka_unit_test(test_out_of_descriptors),
        cmocka_unit_test(test_reader_out_of_descriptors_refuses_writers),
        cmocka_unit_test(test_forwarded_packets_arrive_once_in_order),
        cmocka_unit_test(test_bad_forwarded_packets_are_counted_and_harmless),
        cmocka_unit_test(test_forwarded_packets_share_the_queue_limit),
    };
    return MS_RUN_TESTS("protocol", tests, NULL, NULL);
}
