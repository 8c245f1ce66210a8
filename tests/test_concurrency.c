/* test_concurrency.c -- threads and processes: interrupt and close while
 * reads block, concurrent writers and readers, forked writers, access. */
#include "test_util.h"

#include "testing.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static void start_blocked_reads(mailslot_reader *r, blocked_read *b, int n)
{
    for (int i = 0; i < n; i++)
        blocked_read_start(&b[i], r, MAILSLOT_WAIT_FOREVER);
    WAIT_UNTIL(ms_testing_waiting_reads(r) == n);
}

static void test_interrupt_wakes_every_blocked_read(void **state)
{
    (void)state;
    NAME(name, "interrupt");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    blocked_read b[3];
    start_blocked_reads(r, b, 3);
    OK(mailslot_interrupt(r));
    for (int i = 0; i < 3; i++)
        RC(MAILSLOT_E_INTERRUPTED, blocked_read_join(&b[i]));
    /* Reads that start later are not affected, and the reader still works. */
    expect_empty(r);
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "after", 5));
    expect_text(r, "after");
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_interrupt_with_nobody_waiting_is_harmless(void **state)
{
    (void)state;
    NAME(name, "interrupt0");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    OK(mailslot_interrupt(r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    OK(mailslot_write(w, "x", 1));
    expect_text(r, "x");
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

static void test_close_wakes_every_blocked_read(void **state)
{
    (void)state;
    NAME(name, "closeall");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    blocked_read b[3];
    start_blocked_reads(r, b, 3);
    mailslot_reader_close(r);
    for (int i = 0; i < 3; i++)
        RC(MAILSLOT_E_CLOSED, blocked_read_join(&b[i]));
}

/* Two threads wait; whichever wakes first may drain both messages from the
 * socket and take one. The other must still be woken for the second. */
static void test_every_waiting_read_gets_a_queued_message(void **state)
{
    (void)state;
    NAME(name, "twowait");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    for (long round = 0; round < scaled(200); round++) {
        blocked_read b[2];
        start_blocked_reads(r, b, 2);
        OK(mailslot_write(w, "one", 3));
        OK(mailslot_write(w, "two", 3));
        for (int i = 0; i < 2; i++)
            RC(MAILSLOT_OK, blocked_read_join(&b[i]));
    }
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

/* ---- many writers, one reader ------------------------------------------- */

typedef struct record {
    uint32_t writer;
    uint32_t seq;
} record;

typedef struct writer_job {
    const char *name;
    mailslot_writer *shared; /* NULL: open a writer of its own */
    uint32_t id;
    long count;
    long full_retries;
} writer_job;

/* Writes count records; MAILSLOT_E_FULL means "not sent, try again". */
static int write_records(mailslot_writer *w, uint32_t id, long count, long *retries)
{
    for (long i = 0; i < count; i++) {
        record rec = {id, (uint32_t)i};
        int rc;
        while ((rc = mailslot_write(w, &rec, sizeof rec)) == MAILSLOT_E_FULL) {
            (*retries)++;
            sched_yield();
        }
        if (rc != MAILSLOT_OK)
            return rc;
    }
    return MAILSLOT_OK;
}

static void *writer_thread(void *arg)
{
    writer_job *job = arg;
    mailslot_writer *w = job->shared;
    if (!w && mailslot_open(job->name, NULL, &w) != MAILSLOT_OK)
        return (void *)1;
    int rc = write_records(w, job->id, job->count, &job->full_retries);
    if (!job->shared)
        mailslot_writer_close(w);
    return rc == MAILSLOT_OK ? NULL : (void *)1;
}

/* Reads writers * count records and checks per-writer order and no loss. */
static void read_records(mailslot_reader *r, uint32_t writers, long count)
{
    uint32_t *next = calloc(writers, sizeof *next);
    for (long total = 0; total < (long)writers * count; total++) {
        record rec;
        size_t len;
        OK(mailslot_read(r, &rec, sizeof rec, &len, 30000));
        assert_int_equal(len, sizeof rec);
        assert_true(rec.writer < writers);
        if (rec.seq != next[rec.writer])
            fail_msg("writer %u: got %u, expected %u", rec.writer, rec.seq, next[rec.writer]);
        next[rec.writer]++;
    }
    expect_empty(r);
    free(next);
}

static void test_concurrent_writer_threads(void **state)
{
    (void)state;
    NAME(name, "threads");
    enum { WRITERS = 4 };
    long count = scaled(20000);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    writer_job jobs[WRITERS];
    pthread_t t[WRITERS];
    for (uint32_t i = 0; i < WRITERS; i++) {
        jobs[i] = (writer_job){.name = name, .id = i, .count = count};
        assert_int_equal(pthread_create(&t[i], NULL, writer_thread, &jobs[i]), 0);
    }
    read_records(r, WRITERS, count);
    for (int i = 0; i < WRITERS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        assert_null(ret);
    }
    mailslot_reader_close(r);
}

static void test_one_writer_shared_by_threads(void **state)
{
    (void)state;
    NAME(name, "sharedw");
    enum { THREADS = 3 };
    long count = scaled(10000);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    writer_job jobs[THREADS];
    pthread_t t[THREADS];
    for (uint32_t i = 0; i < THREADS; i++) {
        jobs[i] = (writer_job){.name = name, .shared = w, .id = i, .count = count};
        assert_int_equal(pthread_create(&t[i], NULL, writer_thread, &jobs[i]), 0);
    }
    /* Each thread's records stay in order through the one connection. */
    read_records(r, THREADS, count);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

typedef struct reader_job {
    mailslot_reader *r;
    long got;
} reader_job;

static void *counting_reader(void *arg)
{
    reader_job *job = arg;
    for (;;) {
        char buf[16];
        size_t len;
        int rc = mailslot_read(job->r, buf, sizeof buf, &len, MAILSLOT_WAIT_FOREVER);
        if (rc != MAILSLOT_OK)
            return rc == MAILSLOT_E_INTERRUPTED ? NULL : (void *)1;
        if (len == 4 && memcmp(buf, "STOP", 4) == 0)
            return NULL;
        job->got++;
    }
}

static void test_concurrent_reader_threads_share_messages(void **state)
{
    (void)state;
    NAME(name, "readers");
    enum { READERS = 3 };
    long count = scaled(30000);
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    reader_job jobs[READERS];
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++) {
        jobs[i] = (reader_job){.r = r};
        assert_int_equal(pthread_create(&t[i], NULL, counting_reader, &jobs[i]), 0);
    }
    mailslot_writer *w;
    OK(mailslot_open(name, NULL, &w));
    long retries = 0;
    OK(write_records(w, 0, count, &retries));
    for (int i = 0; i < READERS; i++)
        OK(mailslot_write(w, "STOP", 4));
    long total = 0;
    for (int i = 0; i < READERS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        assert_null(ret);
        total += jobs[i].got;
    }
    /* Every message went to exactly one reading thread. */
    assert_int_equal(total, count);
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_reader_close(r);
}

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
    pid_t pids[WRITERS];
    for (uint32_t i = 0; i < WRITERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            mailslot_writer *w;
            long retries = 0;
            int rc = mailslot_open(name, NULL, &w);
            if (rc == MAILSLOT_OK)
                rc = write_records(w, i, count, &retries);
            if (rc != MAILSLOT_OK)
                fprintf(stderr, "writer %u: %d %s\n", i, rc, mailslot_last_error_detail());
            mailslot_writer_close(w);
            _exit(rc == MAILSLOT_OK ? 0 : 1);
        }
    }
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
    pid_t pid = fork();
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
    pid_t pid = fork();
    if (pid == 0) {
        mailslot_reader *cr;
        mailslot_writer *cw;
        char buf[8];
        size_t len;
        int ok = mailslot_create(child_name, NULL, &cr) == MAILSLOT_OK &&
                 mailslot_open(child_name, NULL, &cw) == MAILSLOT_OK &&
                 mailslot_write(cw, "kid", 3) == MAILSLOT_OK &&
                 mailslot_read(cr, buf, sizeof buf, &len, 10000) == MAILSLOT_OK && len == 3;
        _exit(ok ? 0 : 1);
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
    pid_t pid = fork();
    if (pid == 0) {
        mailslot_reader *r;
        char c = mailslot_create(name, NULL, &r) == MAILSLOT_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        long got = 0;
        char buf[16];
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
    long sent = 0;
    int rc;
    while ((rc = mailslot_write(w, "x", 1)) == MAILSLOT_OK)
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

/* Forks a child that drops to user "nobody" and writes; returns the child's
 * mailslot_open result. */
static int open_as_other_user(const char *name)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int rc = MAILSLOT_E_SYSTEM;
        if (setgid(65534) == 0 && setuid(65534) == 0) {
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

static void test_other_users_are_refused_by_default(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* needs root to become another user */
    NAME(name, "access");
    mailslot_reader *r;
    OK(mailslot_create(name, NULL, &r));
    RC(MAILSLOT_E_ACCESS, open_as_other_user(name));
    expect_empty(r);
    mailslot_reader_close(r);

    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 1));
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    RC(MAILSLOT_OK, open_as_other_user(name));
    expect_text(r, "other");
    mailslot_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupt_wakes_every_blocked_read),
        cmocka_unit_test(test_interrupt_with_nobody_waiting_is_harmless),
        cmocka_unit_test(test_close_wakes_every_blocked_read),
        cmocka_unit_test(test_every_waiting_read_gets_a_queued_message),
        cmocka_unit_test(test_concurrent_writer_threads),
        cmocka_unit_test(test_one_writer_shared_by_threads),
        cmocka_unit_test(test_concurrent_reader_threads_share_messages),
        cmocka_unit_test(test_forked_writers_lose_nothing),
        cmocka_unit_test(test_forked_child_does_not_hold_parents_name),
        cmocka_unit_test(test_forked_child_can_create_readers),
        cmocka_unit_test(test_stopped_reader_process_gives_full),
        cmocka_unit_test(test_io_thread_takes_no_signal),
        cmocka_unit_test(test_other_users_are_refused_by_default),
    };
    return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
