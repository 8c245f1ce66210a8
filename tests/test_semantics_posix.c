/* SPDX-License-Identifier: MIT */
/* test_semantics_posix.c -- the rows of the semantics table that need
 * fork() and descriptors, the network transport (POSIX only so far), or that
 * Windows gives differently (see test_semantics_win32.c for its side). */
#include "test_util.h"

#include "test_platform.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

/* Row: create a name a reader owns in another process -> EXISTS. */
static void test_create_existing_name_other_process(void **state)
{
    (void)state;
    NAME(name, "exists");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    /* Also from another process. */
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_reader *child;
        _exit(mailslot_create(name, NULL, &child) == MAILSLOT_E_EXISTS ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    mailslot_reader_close(r);
}

/* Options for a writer that may use the network, on loopback only. */
static mailslot_options *loopback_network(void)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "lo"));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, "example-domain"));
    return o;
}

/* Row: open "*", a domain or a remote host -> succeeds without any reader. */
static void test_open_remote_names_succeeds(void **state)
{
    (void)state;
    const char *names[] = {"\\\\*\\mailslot\\test\\nobody", "\\\\example-domain\\mailslot\\x",
                           "\\\\192.0.2.1\\mailslot\\x", "\\\\[2001:db8::1]\\mailslot\\x"};
    mailslot_options *o = loopback_network();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        mailslot_writer *w;
        OK(mailslot_open(names[i], o, &w));
        mailslot_writer_close(w);
    }
    /* "*" with no reader anywhere: a datagram to nobody is not an error. */
    mailslot_writer *w;
    OK(mailslot_open(names[0], o, &w));
    OK(mailslot_write(w, "into the void", 13));
    mailslot_writer_close(w);
    mailslot_options_free(o);
}

/* Row: over the network limit to another host -> TOO_BIG. */
static void test_write_over_network_limit_to_host(void **state)
{
    (void)state;
    static unsigned char big[MAILSLOT_MAX_NETWORK_MESSAGE + 1];
    mailslot_writer *w;
    mailslot_options *o = loopback_network();
    OK(mailslot_open("\\\\192.0.2.1\\mailslot\\x", o, &w));
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, MAILSLOT_MAX_NETWORK_MESSAGE + 1));
    mailslot_writer_close(w);
    mailslot_options_free(o);
}

/* Row: a local write over the reader's MAX_MESSAGE_SIZE -> TOO_BIG at the writer. */
static void test_write_over_reader_limit(void **state)
{
    (void)state;
    NAME(name, "toobig");
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 100);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    char buf[101] = {0};
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, buf, 101));
    assert_non_null(strstr(mailslot_last_error_detail(), "100"));
    OK(mailslot_write(w, buf, 100));
    expect_message(r, buf, 100);
    expect_empty(r); /* the oversized one was never sent */
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: writes never block; nothing lost until QUEUE_LIMIT, then FULL, and
 * writes succeed again after reads. */
static void test_queue_limit_full_then_room(void **state)
{
    (void)state;
    NAME(name, "full");
    enum { LIMIT = 5 };
    mailslot_reader *r = create_with(name, MAILSLOT_OPT_QUEUE_LIMIT, LIMIT);
    mailslot_writer *w, *w2;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_open(name, NULL, &w2));
    for (int i = 0; i < LIMIT; i++)
        OK(mailslot_write(w, &i, sizeof i));
    /* Exactly at the limit, for every writer, and nothing was sent. (Order
     * holds per writer only, so one writer fills the queue.) */
    int extra = 99;
    RC(MAILSLOT_E_FULL, mailslot_write(w, &extra, sizeof extra));
    RC(MAILSLOT_E_FULL, mailslot_write(w2, &extra, sizeof extra));
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, LIMIT);
    /* One read makes room for one write. */
    int v;
    size_t len;
    OK(mailslot_read(r, &v, sizeof v, &len, 1000));
    assert_int_equal(v, 0);
    int more = 5;
    OK(mailslot_write(w, &more, sizeof more));
    RC(MAILSLOT_E_FULL, mailslot_write(w, &extra, sizeof extra));
    for (int i = 1; i <= LIMIT; i++) {
        OK(mailslot_read(r, &v, sizeof v, &len, 1000));
        assert_int_equal(v, i);
    }
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_writer_close(w2);
    mailslot_reader_close(r);
}

/* Row: a restarted reader with a smaller limit is obeyed at the writer. */
static void test_restarted_reader_limits_apply(void **state)
{
    (void)state;
    NAME(name, "relimit");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    char buf[50] = {0};
    OK(mailslot_write(w, buf, 50));
    mailslot_reader_close(r);
    r = create_with(name, MAILSLOT_OPT_MAX_MESSAGE_SIZE, 10);
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, buf, 50));
    OK(mailslot_write(w, buf, 10));
    expect_message(r, buf, 10);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* Row: reader process dies -> its name is free at once. */
static void test_name_free_when_reader_process_dies(void **state)
{
    (void)state;
    NAME(name, "dies");
    test_process *p = test_reader_process(name);
    mailslot_reader *r;
    RC(MAILSLOT_E_EXISTS, mailslot_create(name, NULL, &r));
    test_process_kill(p);
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_existing_name_other_process),
        cmocka_unit_test(test_open_remote_names_succeeds),
        cmocka_unit_test(test_write_over_network_limit_to_host),
        cmocka_unit_test(test_write_over_reader_limit),
        cmocka_unit_test(test_queue_limit_full_then_room),
        cmocka_unit_test(test_restarted_reader_limits_apply),
        cmocka_unit_test(test_name_free_when_reader_process_dies),
    };
    return MS_RUN_TESTS("semantics_posix", tests, NULL, NULL);
}
