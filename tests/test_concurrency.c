/* SPDX-License-Identifier: MIT */
/* test_concurrency.c -- threads: interrupt and close while reads block,
 * concurrent writers and readers. Processes, signals and users are in
 * test_concurrency_posix.c (and, for Windows, test_semantics_win32.c). */
#include "records.h"
#include "test_util.h"

#include "testing.h"

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

typedef struct writer_job {
    const char *name;
    mailslot_writer *shared; /* NULL: open a writer of its own */
    uint32_t id;
    long count;
    long full_retries;
} writer_job;

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

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupt_wakes_every_blocked_read),
        cmocka_unit_test(test_interrupt_with_nobody_waiting_is_harmless),
        cmocka_unit_test(test_close_wakes_every_blocked_read),
        cmocka_unit_test(test_every_waiting_read_gets_a_queued_message),
        cmocka_unit_test(test_concurrent_writer_threads),
        cmocka_unit_test(test_one_writer_shared_by_threads),
        cmocka_unit_test(test_concurrent_reader_threads_share_messages),
    };
    return MS_RUN_TESTS("concurrency", tests, NULL, NULL);
}
