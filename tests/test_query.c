/* SPDX-License-Identifier: MIT */
/* test_query.c -- ms_local_reader_query (POSIX): asking the reader of a name,
 * in this or another process, for its settings and counters over the local
 * protocol (QUERY and SNAPSHOT records, src/linux/local.h). */
#include "test_util.h"

#include "test_platform.h"

#include "packets.h"

#include "raw_connect.h"

#include "name.h"
#include "snapshot.h"
#include "transport.h"
#include "linux/local.h"
#include "testing.h"
#include "net/wire.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>

#define LONG_WAIT 10000 /* ms: an answer that must come */

static ms_name parse(const char *text)
{
    ms_name n;
    OK(ms_name_parse(text, &n));
    return n;
}

static ms_reader_snapshot query(const char *name)
{
    ms_name n = parse(name);
    ms_reader_snapshot s;
    memset(&s, 0xAB, sizeof s);
    OK(ms_local_reader_query(&n, LONG_WAIT, &s));
    return s;
}

/* Sends a network packet for path (as a local writer's copy of a message to
 * "*") through the internal writer. */
static void send_packet(ms_local_writer *w, const char *path, uint32_t seq, const char *text)
{
    ms_packet p = test_packet(MS_WIRE_TO_ALL, "", path, 0x5157, seq, text, strlen(text));
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = ms_wire_encode(&p, buf, sizeof buf);
    assert_true(n > 0);
    OK(ms_local_writer_send_packet(w, buf, n, text, strlen(text)));
}

static void wait_child(pid_t pid, int want_status)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), want_status);
}

/* ---- the encoding ------------------------------------------------------- */

static void test_snapshot_encoding_round_trips_and_extends(void **state)
{
    (void)state;
    ms_reader_snapshot s = {.max_message_size = 65536,
                            .queue_limit = 16777216,
                            .allow_any_user = 1,
                            .network = 0,
                            .keys = 32,
                            .message_count = 4000000000u};
    uint64_t counters[MS_STAT_COUNT]; /* MAILSLOT_STAT order, as ms_net_counters */
    _Static_assert(sizeof counters == sizeof s.net, "one u64 per counter");
    for (int i = 0; i < MS_STAT_COUNT; i++)
        counters[i] = 0x0102030405060700ull + (uint64_t)i; /* every byte counts */
    memcpy(&s.net, counters, sizeof counters);
    unsigned char rec[MS_SNAPSHOT_MAX + 16];
    size_t len = ms_snapshot_encode(&s, rec);
    assert_int_equal(len, MS_SNAPSHOT_MAX);
    /* The fields of release 1.1 (6 u32, 15 counters: 144 bytes), then one u64
     * per counter added to abi/constants.txt since. */
    size_t fields = 144 + 8 * (MS_STAT_COUNT - 15);
    assert_int_equal(len, MS_SNAPSHOT_HEADER + fields);
    /* Big-endian: the header, the first field, the last counter. */
    const unsigned char head[12] = {
        MS_REC_SNAPSHOT,       0, 0, 0, 0, 1, (unsigned char)(fields >> 8),
        (unsigned char)fields, 0, 1, 0, 0};
    assert_memory_equal(rec, head, sizeof head);
    assert_int_equal(rec[len - 8], 0x01);
    assert_int_equal(rec[len - 1], MS_STAT_COUNT - 1);

    ms_reader_snapshot d;
    assert_int_equal(ms_snapshot_decode(rec, len, &d), 0);
    assert_memory_equal(&d, &s, sizeof d);

    /* A later release's longer record: the known fields, the rest ignored. */
    unsigned char longer[MS_SNAPSHOT_MAX + 16];
    memcpy(longer, rec, len);
    memset(longer + len, 0xEE, 16);
    longer[6] = (unsigned char)((fields + 16) >> 8);
    longer[7] = (unsigned char)(fields + 16);
    assert_int_equal(ms_snapshot_decode(longer, sizeof longer, &d), 0);
    assert_memory_equal(&d, &s, sizeof d);

    /* An older (shorter) layout: the settings only; the counters stay 0. */
    unsigned char shorter[MS_SNAPSHOT_HEADER + 24];
    memcpy(shorter, rec, sizeof shorter);
    shorter[7] = 24;
    assert_int_equal(ms_snapshot_decode(shorter, sizeof shorter, &d), 0);
    assert_int_equal(d.max_message_size, 65536);
    assert_int_equal(d.message_count, 4000000000u);
    assert_int_equal(MS_NET(&d.net, MAILSLOT_STAT_NET_RECEIVED), 0);
    assert_int_equal(MS_NET(&d.net, MAILSLOT_STAT_AUTH_UNVERIFIED), 0);
    /* A length past the record: what the record holds, a field cut in two
     * is left out. */
    assert_int_equal(ms_snapshot_decode(rec, MS_SNAPSHOT_HEADER + 24 + 8 + 3, &d), 0);
    assert_int_equal(d.keys, 32);
    assert_int_equal(MS_NET(&d.net, MAILSLOT_STAT_NET_RECEIVED),
                     MS_NET(&s.net, MAILSLOT_STAT_NET_RECEIVED));
    assert_int_equal(MS_NET(&d.net, MAILSLOT_STAT_NET_MALFORMED), 0);

    /* Not a snapshot, or a layout this build does not know. */
    assert_int_equal(ms_snapshot_decode(rec, 7, &d), -1);
    rec[5] = 2;
    assert_int_equal(ms_snapshot_decode(rec, len, &d), -1);
    rec[5] = 1;
    rec[0] = MS_REC_HELLO;
    assert_int_equal(ms_snapshot_decode(rec, len, &d), -1);
}

/* ---- queries ------------------------------------------------------------ */

/* Settings, the queue, and the network counters as local packets move them. */
static void test_query_reader_in_this_process(void **state)
{
    (void)state;
    NAME(name, "query");
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 500));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 7));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 1));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);

    ms_reader_snapshot s = query(name);
    assert_int_equal(s.max_message_size, 500);
    assert_int_equal(s.queue_limit, 7);
    assert_int_equal(s.allow_any_user, 1);
    assert_int_equal(s.network, 0); /* the suites run with MAILSLOT_NETWORK=0 */
    assert_int_equal(s.keys, 0);
    assert_int_equal(s.message_count, 0);
    ms_net_counters zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&s.net, &zero, sizeof zero);

    /* A local message, once the reader has it (mailslot_info drains). */
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "local", 5));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, 1);
    assert_int_equal(query(name).message_count, 1);
    expect_text(r, "local");

    /* Network packets: one in, then one for another slot and one in. The
     * reader handles a connection's records in order: once the second
     * message is read, the misaddressed packet was counted. */
    ms_name n = parse(name);
    ms_local_writer *lw;
    OK(ms_local_writer_open(&n, 1, &lw));
    send_packet(lw, n.path, 1, "net1");
    expect_text(r, "net1");
    s = query(name);
    assert_int_equal(MS_NET(&s.net, MAILSLOT_STAT_NET_RECEIVED), 1);
    assert_int_equal(MS_NET(&s.net, MAILSLOT_STAT_NET_MISADDRESSED), 0);
    assert_int_equal(s.message_count, 0);
    send_packet(lw, "somewhere\\else", 2, "lost");
    send_packet(lw, n.path, 3, "net2");
    expect_text(r, "net2");
    s = query(name);
    assert_int_equal(MS_NET(&s.net, MAILSLOT_STAT_NET_RECEIVED), 2);
    assert_int_equal(MS_NET(&s.net, MAILSLOT_STAT_NET_MISADDRESSED), 1);
    /* The same numbers as the reader's own. */
    ms_net_counters own;
    ms_testing_net_counters(r, &own);
    assert_memory_equal(&s.net, &own, sizeof own);

    ms_local_writer_close(lw);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* mailslot_query: the public face of the same question, asked of a reader
 * in another process for every key it answers, in one round trip. */
static const int every_key[] = {
    MAILSLOT_OPT_MAX_MESSAGE_SIZE, MAILSLOT_OPT_QUEUE_LIMIT,    MAILSLOT_OPT_ALLOW_ANY_USER,
    MAILSLOT_OPT_NETWORK,          MAILSLOT_OPT_KEYS,           MAILSLOT_OPT_KEY_FILE,
    MAILSLOT_INFO_MESSAGE_COUNT,   MAILSLOT_STAT_NET_RECEIVED,  MAILSLOT_STAT_NET_MALFORMED,
    MAILSLOT_STAT_AUTH_NONE,       MAILSLOT_STAT_AUTH_VERIFIED, MAILSLOT_STAT_AUTH_UNVERIFIED,
    MAILSLOT_OPT_QUEUE_LIMIT, /* a key twice */
};
#define EVERY_KEY (sizeof every_key / sizeof every_key[0])

static void test_public_query_of_reader_in_another_process(void **state)
{
    (void)state;
    NAME(name, "query-public");
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_options *o;
        mailslot_reader *r;
        mailslot_writer *w;
        char c = 'n';
        if (mailslot_options_new(&o) == MAILSLOT_OK &&
            mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 300) == MAILSLOT_OK &&
            mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 9) == MAILSLOT_OK &&
            mailslot_create(name, o, &r) == MAILSLOT_OK &&
            mailslot_open(name, NULL, &w) == MAILSLOT_OK && mailslot_write(w, "a", 1) == 0 &&
            mailslot_write(w, "b", 1) == 0) {
            ms_name n;
            ms_local_writer *lw;
            if (ms_name_parse(name, &n) == MAILSLOT_OK &&
                ms_local_writer_open(&n, 1, &lw) == MAILSLOT_OK) {
                send_packet(lw, n.path, 1, "net");
                ms_local_writer_close(lw);
                uint32_t count = 0;
                /* the reader has all three (mailslot_info drains) */
                if (mailslot_info(r, NULL, NULL, &count, NULL) == MAILSLOT_OK && count == 3)
                    c = 'y';
            }
        }
        if (write(ready[1], &c, 1) != 1 || c != 'y' || read(done[0], &c, 1) != 1)
            _exit(1); /* a child that failed does not wait */
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');

    /* Every answer is taken before anything is checked, so that a failed
     * check does not leave the child waiting. */
    int64_t values[EVERY_KEY];
    memset(values, 0xAB, sizeof values);
    int rc_all = mailslot_query(name, every_key, values, EVERY_KEY, LONG_WAIT);
    /* count 0: only whether it answers; keys and values may be NULL. */
    int rc_ping = mailslot_query(name, NULL, NULL, 0, LONG_WAIT);
    /* Another spelling of the name is the same reader. */
    int64_t one = -1;
    const int count_key = MAILSLOT_INFO_MESSAGE_COUNT;
    char full[160];
    snprintf(full, sizeof full, "//./MailSlot/%s", name);
    int rc_one = mailslot_query(full, &count_key, &one, 1, LONG_WAIT);
    assert_int_equal(write(done[1], &c, 1), 1);
    wait_child(pid, 0);
    for (int i = 0; i < 2; i++) {
        close(ready[i]);
        close(done[i]);
    }
    OK(rc_all);
    const int64_t want[EVERY_KEY] = {300, 9, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 9};
    for (size_t i = 0; i < EVERY_KEY; i++) {
        if (values[i] != want[i])
            fail_msg("key %d: %lld, want %lld", every_key[i], (long long)values[i],
                     (long long)want[i]);
    }
    OK(rc_ping);
    OK(rc_one);
    assert_int_equal(one, 3);
    /* Its process is gone, and the name with it. */
    one = -1;
    RC(MAILSLOT_E_NOT_FOUND, mailslot_query(name, &count_key, &one, 1, LONG_WAIT));
    assert_int_equal(one, -1); /* untouched on failure */
}

/* In the reader's own process, MAILSLOT_INFO_MESSAGE_COUNT is also read
 * with mailslot_reader_get_int, and agrees with mailslot_query. */
static void test_message_count_key(void **state)
{
    (void)state;
    NAME(name, "query-count");
    mailslot_reader *r = create_with(name, 0, 0);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    int64_t own = -1, asked = -1;
    const int key = MAILSLOT_INFO_MESSAGE_COUNT;
    OK(mailslot_reader_get_int(r, key, &own));
    assert_int_equal(own, 0);
    OK(mailslot_write(w, "x", 1));
    OK(mailslot_write(w, "y", 1));
    OK(mailslot_reader_get_int(r, key, &own));
    OK(mailslot_query(name, &key, &asked, 1, LONG_WAIT));
    assert_int_equal(own, 2);
    assert_int_equal(asked, 2);
    expect_text(r, "x");
    OK(mailslot_reader_get_int(r, key, &own));
    assert_int_equal(own, 1);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_query_without_reader(void **state)
{
    (void)state;
    NAME(name, "query-none");
    ms_name n = parse(name);
    ms_reader_snapshot s;
    RC(MAILSLOT_E_NOT_FOUND, ms_local_reader_query(&n, LONG_WAIT, &s));
    assert_non_null(strstr(mailslot_last_error_detail(), "no reader owns"));
    int64_t v = -1;
    const int key = MAILSLOT_OPT_QUEUE_LIMIT;
    RC(MAILSLOT_E_NOT_FOUND, mailslot_query(name, &key, &v, 1, LONG_WAIT));
    assert_non_null(strstr(mailslot_last_error_detail(), "no reader owns"));
    assert_int_equal(v, -1);
    /* A closed reader frees its name for queries too. */
    mailslot_reader *r = create_with(name, 0, 0);
    OK(ms_local_reader_query(&n, LONG_WAIT, &s));
    mailslot_reader_close(r);
    RC(MAILSLOT_E_NOT_FOUND, ms_local_reader_query(&n, LONG_WAIT, &s));
}

#define NOT_DROPPED 1000 /* the child could not become the other user */

/* A query from another local user ("nobody") is refused like its writes. */
static void test_query_from_other_user_is_denied(void **state)
{
    (void)state;
    const struct passwd *pw = getpwnam("nobody");
    if (geteuid() != 0 || !pw || pw->pw_uid == 0) {
        fprintf(stderr, "SKIP test_query_from_other_user_is_denied: %s\n",
                geteuid() != 0 ? "needs root to become another user"
                               : "this host has no user \"nobody\"");
        skip();
    }
    struct passwd nobody = *pw;
    NAME(name, "query-denied");
    mailslot_reader *r = create_with(name, 0, 0);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        int rc = NOT_DROPPED;
        if (setgroups(0, NULL) == 0 && setgid(nobody.pw_gid) == 0 && setuid(nobody.pw_uid) == 0 &&
            geteuid() == nobody.pw_uid) {
            ms_name n;
            ms_reader_snapshot s;
            rc = ms_name_parse(name, &n);
            if (rc == MAILSLOT_OK)
                rc = ms_local_reader_query(&n, LONG_WAIT, &s);
            /* mailslot_query says the same */
            if (rc == MAILSLOT_E_ACCESS &&
                mailslot_query(name, NULL, NULL, 0, LONG_WAIT) != MAILSLOT_E_ACCESS)
                rc = NOT_DROPPED + 1;
        }
        _exit(write(pipefd[1], &rc, sizeof rc) == sizeof rc ? 0 : 1);
    }
    int rc = 1;
    assert_int_equal(read(pipefd[0], &rc, sizeof rc), sizeof rc);
    wait_child(pid, 0);
    close(pipefd[0]);
    close(pipefd[1]);
    RC(MAILSLOT_E_ACCESS, rc);
    /* The reader's own user is still answered. */
    assert_int_equal(query(name).queue_limit, 65536);
    mailslot_reader_close(r);
}

/* A query takes no queue place: it is answered when the queue is full, and
 * the places still add up afterwards. */
static void test_query_takes_no_queue_place(void **state)
{
    (void)state;
    NAME(name, "query-full");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, 1);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "one", 3));
    RC(MAILSLOT_E_FULL, mailslot_write(w, "two", 3));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, 1);
    for (int i = 0; i < 3; i++) {
        ms_reader_snapshot s = query(name);
        assert_int_equal(s.queue_limit, 1);
        assert_int_equal(s.message_count, 1);
    }
    RC(MAILSLOT_E_FULL, mailslot_write(w, "two", 3));
    expect_text(r, "one");
    OK(mailslot_write(w, "three", 5));
    RC(MAILSLOT_E_FULL, mailslot_write(w, "four", 4));
    expect_text(r, "three");
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* A reader process that is stopped answers nothing: the query times out,
 * and is answered once the process runs again. */
static void test_query_of_stopped_reader_times_out(void **state)
{
    (void)state;
    NAME(name, "query-stopped");
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_reader *r;
        char c = mailslot_create(name, NULL, &r) == MAILSLOT_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1 || read(done[0], &c, 1) != 1)
            _exit(1);
        mailslot_reader_close(r);
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    assert_int_equal(query(name).queue_limit, 65536); /* it answers while it runs */

    assert_int_equal(kill(pid, SIGSTOP), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
    assert_true(WIFSTOPPED(status));
    ms_name n = parse(name);
    ms_reader_snapshot s;
    RC(MAILSLOT_E_TIMEOUT, ms_local_reader_query(&n, 100, &s));
    assert_non_null(strstr(mailslot_last_error_detail(), "did not answer within 100 ms"));
    int64_t v = -1;
    const int key = MAILSLOT_OPT_QUEUE_LIMIT;
    RC(MAILSLOT_E_TIMEOUT, mailslot_query(name, &key, &v, 1, 50));
    assert_non_null(strstr(mailslot_last_error_detail(), "did not answer within 50 ms"));
    assert_int_equal(v, -1);
    RC(MAILSLOT_E_TIMEOUT, mailslot_query(name, NULL, NULL, 0, 0));

    assert_int_equal(kill(pid, SIGCONT), 0);
    assert_int_equal(query(name).queue_limit, 65536);
    assert_int_equal(write(done[1], &c, 1), 1);
    wait_child(pid, 0);
    for (int i = 0; i < 2; i++) {
        close(ready[i]);
        close(done[i]);
    }
}

/* QUERY records of another form get no answer, and neither end the
 * connection nor disturb the reader. */
static void test_malformed_queries_are_ignored(void **state)
{
    (void)state;
    NAME(name, "query-garbage");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, 2);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    int fd = raw_connect(name);
    const unsigned char reserved[4] = {MS_REC_QUERY, 0xFF, 0xFF, 0xFF};
    assert_int_equal(send(fd, reserved, sizeof reserved, 0), 4);
    unsigned char longer[300];
    for (size_t i = 0; i < sizeof longer; i++)
        longer[i] = (unsigned char)(i * 37 + 11);
    longer[0] = MS_REC_QUERY;
    assert_int_equal(send(fd, longer, sizeof longer, 0), (ssize_t)sizeof longer);
    /* Over the reader's receive slot (MSG_TRUNC at the reader). */
    static unsigned char huge[MAILSLOT_MAX_LOCAL_MESSAGE + 64] = {MS_REC_QUERY};
    assert_int_equal(send(fd, huge, sizeof huge, 0), (ssize_t)sizeof huge);
    /* Then a proper one on the same connection: its answer is the first. */
    const unsigned char good[4] = {MS_REC_QUERY, 0, 0, 0};
    assert_int_equal(send(fd, good, sizeof good, 0), 4);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, LONG_WAIT), 1);
    unsigned char rec[1024];
    ssize_t got = recv(fd, rec, sizeof rec, 0);
    assert_int_equal(got, MS_SNAPSHOT_MAX);
    ms_reader_snapshot s;
    assert_int_equal(ms_snapshot_decode(rec, (size_t)got, &s), 0);
    assert_int_equal(s.queue_limit, 2);
    assert_int_equal(recv(fd, rec, sizeof rec, MSG_DONTWAIT), -1); /* one answer only */
    assert_int_equal(errno, EAGAIN);

    /* The reader works, and its places are exact: 2, not more. */
    OK(mailslot_write(w, "a", 1));
    OK(mailslot_write(w, "b", 1));
    RC(MAILSLOT_E_FULL, mailslot_write(w, "c", 1));
    expect_text(r, "a");
    expect_text(r, "b");
    assert_int_equal(query(name).queue_limit, 2);
    close(fd);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_encoding_round_trips_and_extends),
        cmocka_unit_test(test_query_reader_in_this_process),
        cmocka_unit_test(test_public_query_of_reader_in_another_process),
        cmocka_unit_test(test_message_count_key),
        cmocka_unit_test(test_query_without_reader),
        cmocka_unit_test(test_query_from_other_user_is_denied),
        cmocka_unit_test(test_query_takes_no_queue_place),
        cmocka_unit_test(test_query_of_stopped_reader_times_out),
        cmocka_unit_test(test_malformed_queries_are_ignored),
    };
    return MS_RUN_TESTS("query", tests, NULL, NULL);
}
