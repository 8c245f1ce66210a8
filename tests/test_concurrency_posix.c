/* SPDX-License-Identifier: MIT */
/* test_concurrency_posix.c -- processes, signals and users: forked writers,
 * forked children and the parent's names, a stopped reader process, the
 * library thread's signal mask, access by other users. */
#include "records.h"
#include "test_util.h"

#include "test_platform.h"

#include "testing.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

/* ---- processes ---------------------------------------------------------- */

static void wait_children(pid_t *pids, int n)
{
    for (int i = 0; i < n; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("writer process %d failed (status 0x%x)", i, status);
    }
}

static void test_forked_writers_lose_nothing(void **state)
{
    (void)state;
    NAME(name, "forked");
    enum { WRITERS = 10 };
    long count = scaled(100000);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    /* The writers connect once all are forked: a writer connecting would
     * wake our I/O thread while the next one is forked (see test_fork). */
    int gate[2];
    assert_int_equal(pipe(gate), 0);
    pid_t pids[WRITERS];
    for (uint32_t i = 0; i < WRITERS; i++) {
        pids[i] = test_fork();
        if (pids[i] == 0) {
            mailslot_writer *w;
            long retries = 0;
            char c;
            close(gate[1]);
            if (read(gate[0], &c, 1) != 0)
                _exit(1);
            int rc = mailslot_open(name, NULL, &w);
            if (rc == MAILSLOT_OK)
                rc = write_records(w, i, count, &retries);
            if (rc != MAILSLOT_OK)
                fprintf(stderr, "writer %u: %d %s\n", i, rc, mailslot_last_error_detail());
            mailslot_writer_close(w);
            _exit(rc == MAILSLOT_OK ? 0 : 1);
        }
    }
    close(gate[0]);
    close(gate[1]); /* the writers go */
    read_records(r, WRITERS, count);
    wait_children(pids, WRITERS);
    mailslot_reader_close(r);
}

static void test_forked_child_does_not_hold_parents_name(void **state)
{
    (void)state;
    NAME(name, "forkname");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    int hold[2], running[2];
    assert_int_equal(pipe(hold), 0);
    assert_int_equal(pipe(running), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        char c = 'r';
        close(hold[1]);
        if (write(running[1], &c, 1) != 1)
            _exit(1);
        _exit(read(hold[0], &c, 1) == 0 ? 0 : 1); /* lives until the parent closes the pipe */
    }
    close(hold[0]);
    /* The child closes its copies of our reader's descriptors as it starts. */
    char c;
    assert_int_equal(read(running[0], &c, 1), 1);
    close(running[0]);
    close(running[1]);
    /* With the child alive, closing the reader still frees the name and ends
     * the writer's connection. */
    mailslot_reader_close(r);
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_write(w, "new", 3));
    expect_text(r, "new");
    close(hold[1]);
    wait_children(&pid, 1);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_forked_child_can_create_readers(void **state)
{
    (void)state;
    NAME(name, "forkparent");
    NAME(child_name, "forkchild");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r)); /* the parent's I/O thread runs */
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_reader *cr;
        mailslot_writer *cw;
        char buf[8];
        size_t len;
        const char *what = "create";
        int rc = mailslot_create(child_name, NULL, &cr);
        if (rc == MAILSLOT_OK && (what = "open"))
            rc = mailslot_open(child_name, NULL, &cw);
        if (rc == MAILSLOT_OK && (what = "write"))
            rc = mailslot_write(cw, "kid", 3);
        if (rc == MAILSLOT_OK && (what = "read"))
            rc = mailslot_read(cr, buf, sizeof buf, &len, 10000);
        if (rc != MAILSLOT_OK) /* the parent's failure names the child's call */
            fprintf(stderr, "child: %s -> %d (%s)\n", what, rc, mailslot_last_error_detail());
        _exit(rc == MAILSLOT_OK && len == 3 ? 0 : 1);
    }
    wait_children(&pid, 1);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "parent", 6));
    expect_text(r, "parent");
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* A reader process that stops taking messages: once the connection's kernel
 * buffer is full, a write waits at most a moment and then fails with
 * MAILSLOT_E_FULL, never blocking for good; nothing accepted is lost. */
static void test_stopped_reader_process_gives_full(void **state)
{
    (void)state;
    NAME(name, "stopped");
    int ready[2], result[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(result), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        mailslot_reader *r;
        char c = mailslot_create(name, NULL, &r) == MAILSLOT_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        long got = 0;
        char buf[64];
        size_t len;
        while (mailslot_read(r, buf, sizeof buf, &len, 30000) == MAILSLOT_OK &&
               !(len == 4 && memcmp(buf, "STOP", 4) == 0))
            got++;
        _exit(write(result[1], &got, sizeof got) == sizeof got ? 0 : 1);
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    assert_int_equal(kill(pid, SIGSTOP), 0);
    /* Messages that fill the ring (local.h) before the queue's limit. */
    char msg[64];
    memset(msg, 'x', sizeof msg);
    long sent = 0;
    int rc;
    while ((rc = mailslot_write(w, msg, sizeof msg)) == MAILSLOT_OK)
        sent++;
    RC(MAILSLOT_E_FULL, rc);
    assert_non_null(strstr(mailslot_last_error_detail(), "not taking messages"));
    assert_true(sent > 0);
    assert_int_equal(kill(pid, SIGCONT), 0);
    while ((rc = mailslot_write(w, "STOP", 4)) == MAILSLOT_E_FULL)
        sched_yield();
    RC(MAILSLOT_OK, rc);
    long got = -1;
    assert_int_equal(read(result[0], &got, sizeof got), sizeof got);
    assert_int_equal(got, sent);
    wait_children(&pid, 1);
    mailslot_writer_close(w);
    for (int i = 0; i < 2; i++) {
        close(ready[i]);
        close(result[i]);
    }
}

/* The library's thread blocks every signal, so that a process-directed
 * signal (Ctrl-C) reaches an application thread. */
static void test_io_thread_takes_no_signal(void **state)
{
    (void)state;
    NAME(name, "signals");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r)); /* starts the I/O thread */
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    int others = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long tid = atol(e->d_name);
        if (tid <= 0 || tid == (long)getpid())
            continue;
        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/self/task/%ld/status", tid);
        FILE *f = fopen(path, "r");
        if (!f)
            continue; /* a thread that just ended */
        unsigned long long blocked = 0;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "SigBlk: %llx", &blocked) == 1)
                break;
        fclose(f);
        /* Bits are signal number - 1. */
        assert_true(blocked & (1ull << (SIGINT - 1)));
        assert_true(blocked & (1ull << (SIGTERM - 1)));
        assert_true(blocked & (1ull << (SIGUSR1 - 1)));
        others++;
    }
    closedir(d);
    assert_true(others >= 1);
    mailslot_reader_close(r);
}

/* ---- access ------------------------------------------------------------- */

#define NOT_DROPPED 1000 /* the child could not become the other user */

/* Forks a child that drops to user (its group, no supplementary groups) and
 * writes; returns the child's mailslot_open (or mailslot_write) result. */
static int open_as_other_user(const char *name, const struct passwd *user)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = test_fork();
    if (pid == 0) {
        int rc = NOT_DROPPED;
        if (setgroups(0, NULL) == 0 && setgid(user->pw_gid) == 0 && setuid(user->pw_uid) == 0 &&
            geteuid() == user->pw_uid && getegid() == user->pw_gid) {
            mailslot_writer *w;
            rc = mailslot_open(name, NULL, &w);
            if (rc == MAILSLOT_OK) {
                rc = mailslot_write(w, "other", 5);
                mailslot_writer_close(w);
            }
        }
        _exit(write(pipefd[1], &rc, sizeof rc) == sizeof rc ? 0 : 1);
    }
    int rc = 1;
    assert_int_equal(read(pipefd[0], &rc, sizeof rc), sizeof rc);
    wait_children(&pid, 1);
    close(pipefd[0]);
    close(pipefd[1]);
    return rc;
}

/* A writer running as another local user ("nobody") is refused by default
 * (MAILSLOT_E_ACCESS, and nothing arrives), and accepted by a reader created
 * with MAILSLOT_OPT_ALLOW_ANY_USER. */
static void test_other_users_are_refused_by_default(void **state)
{
    (void)state;
    const struct passwd *pw = getpwnam("nobody");
    if (geteuid() != 0 || !pw || pw->pw_uid == 0) {
        fprintf(stderr, "SKIP test_other_users_are_refused_by_default: %s\n",
                geteuid() != 0 ? "needs root to become another user"
                               : "this host has no user \"nobody\"");
        skip();
    }
    struct passwd nobody = *pw;
    NAME(name, "access");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    RC(MAILSLOT_E_ACCESS, open_as_other_user(name, &nobody));
    expect_empty(r);
    mailslot_reader_close(r);

    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 1));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    RC(MAILSLOT_OK, open_as_other_user(name, &nobody));
    expect_text(r, "other");
    mailslot_reader_close(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forked_writers_lose_nothing),
        cmocka_unit_test(test_forked_child_does_not_hold_parents_name),
        cmocka_unit_test(test_forked_child_can_create_readers),
        cmocka_unit_test(test_stopped_reader_process_gives_full),
        cmocka_unit_test(test_io_thread_takes_no_signal),
        cmocka_unit_test(test_other_users_are_refused_by_default),
    };
    return MS_RUN_TESTS("concurrency_posix", tests, NULL, NULL);
}
