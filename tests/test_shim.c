/* SPDX-License-Identifier: MIT */
/* test_shim.c -- the C layer under the SWIG bindings (bindings/swig/shim.c),
 * without SWIG: the error slot, the options, the message buffers, the close
 * guard (close while a read waits, calls after close, idempotence), the
 * writer, names and the log queue. The shim is included whole, so that a test
 * can see a wrapper's library handle and its count of calls in flight. */
#define _GNU_SOURCE
#include "shim.c"

#include "test_util.h"

#include "testing.h"

/* Neither language nor library left a failure behind. */
static int clear_error(void **state)
{
    (void)state;
    shim_error_clear();
    return 0;
}

#define EXPECT_ERROR(want)                                                                         \
    do {                                                                                           \
        if (shim_error_code() != (want))                                                           \
            fail_msg("error slot: %d (%s), expected %s = %d", shim_error_code(),                   \
                     shim_error_text(), #want, (want));                                            \
        shim_error_clear();                                                                        \
    } while (0)

/* Every network option left to the environment (MAILSLOT_NETWORK=0 here). */
static const shim_net_args no_net = {SHIM_UNSET, SHIM_UNSET, SHIM_UNSET, NULL,       NULL,
                                     NULL,       NULL,       SHIM_UNSET, SHIM_UNSET, SHIM_UNSET,
                                     SHIM_UNSET, SHIM_UNSET, SHIM_UNSET, NULL};

static Reader *new_reader(const char *name)
{
    Reader *r = shim_reader_new(name, 0, MAILSLOT_WAIT_FOREVER, 0, 0, &no_net);
    if (r == NULL)
        fail_msg("shim_reader_new(%s): %d (%s)", name, shim_error_code(), shim_error_text());
    return r;
}

static Writer *new_writer(const char *name)
{
    Writer *w = shim_writer_new(name, &no_net);
    if (w == NULL)
        fail_msg("shim_writer_new(%s): %d (%s)", name, shim_error_code(), shim_error_text());
    return w;
}

static uint64_t header_len(shim_bytes b)
{
    uint64_t n;
    memcpy(&n, b.block, sizeof n);
    return n;
}

/* ---- the error slot ------------------------------------------------------- */

static void test_the_error_slot_takes_the_detail_or_the_generic_text(void **state)
{
    (void)state;
    assert_int_equal(shim_error_code(), 0);
    shim_fail(MAILSLOT_E_FULL, "the queue of x is full");
    assert_int_equal(shim_error_code(), MAILSLOT_E_FULL);
    assert_string_equal(shim_error_text(), "the queue of x is full");
    shim_error_clear();
    assert_int_equal(shim_error_code(), 0);
    /* No detail: the library's sentence for this thread's last failure ... */
    mailslot_reader *h;
    RC(MAILSLOT_E_NAME, mailslot_create("\\\\.\\pipe\\x", NULL, &h));
    shim_fail(MAILSLOT_E_NAME, NULL);
    assert_string_equal(shim_error_text(), mailslot_last_error_detail());
    /* ... a long one cut to the slot, never past it. */
    char longer[1000];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    shim_fail(MAILSLOT_E_SYSTEM, longer);
    assert_int_equal(strlen(shim_error_text()), sizeof shim_err_text - 1);
}

static void *fail_in_thread(void *arg)
{
    (void)arg;
    shim_fail(MAILSLOT_E_ACCESS, "another thread's failure");
    return NULL;
}

static void test_the_error_slot_is_the_thread_s_own(void **state)
{
    (void)state;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fail_in_thread, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(shim_error_code(), 0);
}

/* ---- options ---------------------------------------------------------------- */

static void test_only_the_options_given_are_set(void **state)
{
    (void)state;
    NAME(name, "shim-opt");
    shim_net_args net = no_net;
    net.network = 0;
    net.port = 17399;
    net.replay_window = 128;
    net.auth_log = 0;
    net.legacy = 1;
    net.netbios_name = "LOGHOST";
    Reader *r = shim_reader_new(name, 2000, 250, 9, 1, &net);
    assert_non_null(r);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_MAX_MESSAGE_SIZE), 2000);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_READ_TIMEOUT), 250);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_QUEUE_LIMIT), 9);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_ALLOW_ANY_USER), 1);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_PORT), 17399);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_LEGACY), 1);
    /* Without libsodium the library keeps the defaults of the key settings. */
    assert_int_equal(shim_error_code(), 0);
    shim_reader_delete(r);

    /* Nothing given: the library's defaults (0 and WAIT_FOREVER are "not given"). */
    r = new_reader(name);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_MAX_MESSAGE_SIZE),
                     MAILSLOT_MAX_LOCAL_MESSAGE);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_READ_TIMEOUT), MAILSLOT_WAIT_FOREVER);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_ALLOW_ANY_USER), 0);
    shim_reader_delete(r);
}

static void test_a_bad_option_fails_with_the_library_s_code(void **state)
{
    (void)state;
    NAME(name, "shim-badopt");
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(shim_set_net_options(o, &no_net));
    shim_net_args net = no_net;
    net.port = 0; /* 1..65535 */
    RC(MAILSLOT_E_INVALID, shim_set_net_options(o, &net));
    /* The first failure stops the rest and is what is returned. */
    net.ttl = 1000;
    net.domain = "x";
    RC(MAILSLOT_E_INVALID, shim_set_net_options(o, &net));
    mailslot_options_free(o);

    net = no_net;
    net.port = 70000;
    assert_null(shim_reader_new(name, 0, MAILSLOT_WAIT_FOREVER, 0, 0, &net));
    assert_int_equal(shim_error_code(), MAILSLOT_E_INVALID);
    assert_non_null(strstr(shim_error_text(), "MAILSLOT_OPT_PORT")); /* the library's detail */
    shim_error_clear();
    assert_null(shim_writer_new(name, &net));
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    assert_null(shim_reader_new(name, -5, MAILSLOT_WAIT_FOREVER, 0, 0, &no_net));
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    net = no_net;
    net.netbios_name = "not.a.netbios.name";
    assert_null(shim_writer_new(name, &net));
    assert_int_equal(shim_error_code(), MAILSLOT_E_INVALID);
    assert_non_null(strstr(shim_error_text(), "MAILSLOT_OPT_NETBIOS_NAME"));
    shim_error_clear();
    net = no_net;
    net.legacy = 2;
    assert_null(shim_reader_new(name, 0, MAILSLOT_WAIT_FOREVER, 0, 0, &net));
    EXPECT_ERROR(MAILSLOT_E_INVALID);
}

static void test_keys_and_a_key_file_together_are_refused(void **state)
{
    (void)state;
    NAME(name, "shim-keys");
    shim_net_args net = no_net;
    net.keys = "";
    net.key_file = "/nonexistent";
    assert_null(shim_reader_new(name, 0, MAILSLOT_WAIT_FOREVER, 0, 0, &net));
    assert_int_equal(shim_error_code(), MAILSLOT_E_INVALID);
    assert_string_equal(shim_error_text(), "keys and key_file: give one of them, not both");
    shim_error_clear();
    assert_null(shim_writer_new(name, &net));
    EXPECT_ERROR(MAILSLOT_E_INVALID);
}

/* ---- buffers ----------------------------------------------------------------- */

static void test_a_waiting_message_is_read_whole_with_its_length(void **state)
{
    (void)state;
    NAME(name, "shim-read");
    Reader *r = new_reader(name);
    Writer *w = new_writer(name);
    static unsigned char big[60000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 7);
    shim_writer_write(w, big, sizeof big);
    shim_writer_write(w, (const unsigned char *)"", 0);
    assert_int_equal(shim_error_code(), 0);

    shim_bytes b = shim_reader_read(r, 0);
    assert_non_null(b.block);
    assert_int_equal(b.len, sizeof big);
    assert_int_equal(header_len(b), sizeof big);
    assert_memory_equal(shim_bytes_data(b), big, sizeof big);
    shim_bytes_free(b.block);

    b = shim_reader_read(r, 0); /* an empty message is a message */
    assert_non_null(b.block);
    assert_int_equal(b.len, 0);
    assert_int_equal(header_len(b), 0);
    shim_bytes_free(b.block);

    b = shim_reader_read(r, 0);
    assert_null(b.block);
    EXPECT_ERROR(MAILSLOT_E_TIMEOUT);
    shim_writer_delete(w);
    shim_reader_delete(r);
}

/* shim_reader_read_buf: a message that fits comes in the caller's block (not
 * to be freed), a larger one in a block of its own, a failure in neither. */
static void test_a_message_is_read_into_the_caller_s_block_when_it_fits(void **state)
{
    (void)state;
    NAME(name, "shim-buf");
    Reader *r = new_reader(name);
    Writer *w = new_writer(name);
    static unsigned char mine[SHIM_BYTES_HEADER + 8];
    static unsigned char big[9];
    memcpy(big, "123456789", sizeof big);
    shim_writer_write(w, (const unsigned char *)"fits", 4);
    shim_writer_write(w, big, sizeof big);
    assert_int_equal(shim_error_code(), 0);

    shim_bytes b = shim_reader_read_buf(r, 0, mine, 8);
    assert_ptr_equal(b.block, mine);
    assert_int_equal(b.len, 4);
    assert_int_equal(header_len(b), 4);
    assert_memory_equal(shim_bytes_data(b), "fits", 4);

    b = shim_reader_read_buf(r, 0, mine, 8); /* one byte too many */
    assert_non_null(b.block);
    assert_ptr_not_equal(b.block, mine);
    assert_int_equal(b.len, sizeof big);
    assert_int_equal(header_len(b), sizeof big);
    assert_memory_equal(shim_bytes_data(b), big, sizeof big);
    shim_bytes_free(b.block);

    b = shim_reader_read_buf(r, 0, mine, 8);
    assert_null(b.block);
    EXPECT_ERROR(MAILSLOT_E_TIMEOUT);
    shim_reader_close(r);
    b = shim_reader_read_buf(r, 0, mine, 8);
    assert_null(b.block);
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    shim_writer_delete(w);
    shim_reader_delete(r);
}

typedef struct read_job {
    Reader *r;
    int timeout_ms;
    shim_bytes got;
    int code;
    char text[512];
} read_job;

static void *read_in_thread(void *arg)
{
    read_job *j = arg;
    j->got = shim_reader_read(j->r, j->timeout_ms);
    j->code = shim_error_code();
    snprintf(j->text, sizeof j->text, "%s", shim_error_text());
    return NULL;
}

static void start_read(pthread_t *t, read_job *j, Reader *r, int timeout_ms)
{
    memset(j, 0, sizeof *j);
    j->r = r;
    j->timeout_ms = timeout_ms;
    assert_int_equal(pthread_create(t, NULL, read_in_thread, j), 0);
    WAIT_UNTIL(ms_testing_waiting_reads((mailslot_reader *)r->g.h) == 1);
}

/* A read that waits with the first guess of a buffer (nothing was queued)
 * gets MAILSLOT_E_BUFFER from the library, grows and takes the message. */
static void test_a_message_larger_than_the_first_buffer_is_read_whole(void **state)
{
    (void)state;
    NAME(name, "shim-grow");
    Reader *r = new_reader(name);
    Writer *w = new_writer(name);
    pthread_t t;
    read_job j;
    start_read(&t, &j, r, MAILSLOT_WAIT_FOREVER);
    static unsigned char big[5000];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = 'y';
    shim_writer_write(w, big, sizeof big);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(j.code, 0);
    assert_non_null(j.got.block);
    assert_int_equal(j.got.len, sizeof big);
    assert_memory_equal(shim_bytes_data(j.got), big, sizeof big);
    shim_bytes_free(j.got.block);
    shim_writer_delete(w);
    shim_reader_delete(r);
}

/* ---- the close guard ------------------------------------------------------- */

/* The guard alone, over a handle that is never used: close takes the handle
 * from new calls at once, wakes the calls in flight round after round, and
 * returns the handle only once the last of them has left. */
typedef struct guard_job {
    shim_guard g;
    atomic_int wakes;
    atomic_int closed;
    void *got;
} guard_job;

static guard_job *the_guard_job;

static int count_wake(void *h)
{
    (void)h;
    atomic_fetch_add(&the_guard_job->wakes, 1);
    return MAILSLOT_OK;
}

static void *close_guard_in_thread(void *arg)
{
    guard_job *j = arg;
    j->got = shim_guard_close(&j->g, count_wake);
    atomic_store(&j->closed, 1);
    return NULL;
}

static void test_close_waits_for_the_calls_in_flight(void **state)
{
    (void)state;
    static int handle;
    static guard_job j;
    the_guard_job = &j;
    shim_guard_init(&j.g, &handle);
    assert_ptr_equal(shim_guard_enter(&j.g, "closed"), &handle);
    assert_ptr_equal(shim_guard_enter(&j.g, "closed"), &handle);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, close_guard_in_thread, &j), 0);
    /* Two calls in flight: close wakes them, again and again, and waits. */
    WAIT_UNTIL(atomic_load(&j.closed) || atomic_load(&j.wakes) >= 2);
    assert_false(atomic_load(&j.closed));
    assert_null(shim_guard_enter(&j.g, "the thing is closed")); /* no call starts now */
    assert_string_equal(shim_error_text(), "the thing is closed");
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    assert_true(shim_guard_is_closed(&j.g));
    shim_guard_leave(&j.g);
    int wakes = atomic_load(&j.wakes);
    WAIT_UNTIL(atomic_load(&j.closed) || atomic_load(&j.wakes) >= wakes + 2);
    assert_false(atomic_load(&j.closed)); /* one call is still in flight */
    shim_guard_leave(&j.g);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_ptr_equal(j.got, &handle); /* the one to close, once */
    assert_null(shim_guard_close(&j.g, count_wake));
    shim_guard_destroy(&j.g);
}

static void test_close_wakes_a_waiting_read_with_e_closed(void **state)
{
    (void)state;
    NAME(name, "shim-close");
    Reader *r = new_reader(name);
    pthread_t t;
    read_job j;
    start_read(&t, &j, r, MAILSLOT_WAIT_FOREVER);
    assert_int_equal(r->g.busy, 1);
    shim_reader_close(r);
    /* close returned: no call is inside the library, the handle is closed ... */
    assert_null(r->g.h);
    assert_int_equal(r->g.busy, 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_null(j.got.block);
    assert_int_equal(j.code, MAILSLOT_E_CLOSED);
    assert_string_equal(j.text, "the reader was closed while the read waited");
    /* ... and the name is free again. */
    Reader *again = new_reader(name);
    shim_reader_delete(again);
    assert_true(shim_reader_is_closed(r));
    shim_reader_delete(r);
}

static void test_an_interrupted_read_of_an_open_reader_says_interrupted(void **state)
{
    (void)state;
    NAME(name, "shim-intr");
    Reader *r = new_reader(name);
    pthread_t t;
    read_job j;
    start_read(&t, &j, r, MAILSLOT_WAIT_FOREVER);
    shim_reader_interrupt(r);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(j.code, MAILSLOT_E_INTERRUPTED);
    assert_false(shim_reader_is_closed(r));
    assert_int_equal(r->g.busy, 0);
    shim_reader_delete(r);
}

static void test_every_call_after_close_fails_with_e_closed(void **state)
{
    (void)state;
    NAME(name, "shim-after");
    Reader *r = new_reader(name);
    char *canonical = shim_reader_name(r);
    assert_non_null(canonical);
    assert_non_null(strstr(canonical, "\\mailslot\\"));
    free(canonical);
    assert_true(shim_reader_fd(r) >= 0);
    assert_int_equal(shim_error_code(), 0);

    shim_reader_close(r);
    shim_reader_close(r); /* idempotent */
    assert_true(shim_reader_is_closed(r));
    unsigned int m = 1, n = 1, c = 1;
    int timeout = 1;

    shim_bytes b = shim_reader_read(r, 0);
    assert_null(b.block);
    assert_int_equal(shim_error_code(), MAILSLOT_E_CLOSED);
    assert_string_equal(shim_error_text(), "the reader is closed");
    shim_error_clear();
    shim_reader_info(r, &m, &n, &c, &timeout);
    assert_int_equal(m + n + c, 0);
    assert_int_equal(timeout, 0);
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    shim_reader_set_read_timeout(r, 5);
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    assert_int_equal(shim_reader_get_int(r, MAILSLOT_OPT_PORT), 0);
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    assert_int_equal(shim_reader_fd(r), -1);
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    shim_reader_interrupt(r);
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    assert_null(shim_reader_name(r));
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    assert_int_equal(r->g.busy, 0);
    shim_reader_delete(r);
}

static void test_a_missing_object_fails_with_e_invalid(void **state)
{
    (void)state;
    unsigned int m, n, c;
    int timeout;
    shim_bytes b = shim_reader_read(NULL, 0);
    assert_null(b.block);
    assert_string_equal(shim_error_text(), "no reader object");
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    shim_reader_info(NULL, &m, &n, &c, &timeout);
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    shim_writer_write(NULL, (const unsigned char *)"x", 1);
    assert_string_equal(shim_error_text(), "no writer object");
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    /* Closing, asking and deleting nothing is harmless. */
    shim_reader_close(NULL);
    shim_writer_close(NULL);
    assert_true(shim_reader_is_closed(NULL));
    assert_true(shim_writer_is_closed(NULL));
    shim_reader_delete(NULL);
    shim_writer_delete(NULL);
    assert_int_equal(shim_error_code(), 0);
}

static void test_reader_values_pass_through(void **state)
{
    (void)state;
    NAME(name, "shim-values");
    Reader *r = new_reader(name);
    Writer *w = new_writer(name);
    shim_writer_write(w, (const unsigned char *)"abc", 3);
    unsigned int m, n, c;
    int timeout;
    shim_reader_set_read_timeout(r, 40);
    shim_reader_info(r, &m, &n, &c, &timeout);
    assert_int_equal(shim_error_code(), 0);
    assert_int_equal(m, MAILSLOT_MAX_LOCAL_MESSAGE);
    assert_int_equal(n, 3);
    assert_int_equal(c, 1);
    assert_int_equal(timeout, 40);
    shim_reader_set_read_timeout(r, -7);
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    shim_reader_get_int(r, 9999);
    EXPECT_ERROR(MAILSLOT_E_INVALID);
    shim_writer_delete(w);
    shim_reader_delete(r);
}

/* ---- the writer ---------------------------------------------------------------- */

static void test_a_writer_fails_as_the_library_says_and_closes_once(void **state)
{
    (void)state;
    NAME(name, "shim-writer");
    assert_null(shim_writer_new(name, &no_net)); /* nobody reads it */
    EXPECT_ERROR(MAILSLOT_E_NOT_FOUND);
    Reader *r = new_reader(name);
    Writer *w = new_writer(name);
    /* Over the local limit (the one a writer knows on every system). */
    static unsigned char big[MAILSLOT_MAX_LOCAL_MESSAGE + 1];
    shim_writer_write(w, big, sizeof big);
    EXPECT_ERROR(MAILSLOT_E_TOO_BIG);
    shim_writer_write(w, (const unsigned char *)"four", 4);
    assert_int_equal(shim_error_code(), 0);
    assert_false(shim_writer_is_closed(w));
    shim_writer_close(w);
    shim_writer_close(w);
    assert_true(shim_writer_is_closed(w));
    shim_writer_write(w, (const unsigned char *)"x", 1);
    assert_string_equal(shim_error_text(), "the writer is closed");
    EXPECT_ERROR(MAILSLOT_E_CLOSED);
    assert_int_equal(w->g.busy, 0);
    shim_writer_delete(w);
    shim_reader_delete(r);
}

/* ---- names ------------------------------------------------------------------- */

static void test_names_are_canonical_or_refused(void **state)
{
    (void)state;
    char *c = shim_name_canonical("App\\Trace");
    assert_non_null(c);
    assert_string_equal(c, "\\\\.\\mailslot\\app\\trace");
    free(c);
    assert_null(shim_name_canonical("\\\\.\\pipe\\x"));
    EXPECT_ERROR(MAILSLOT_E_NAME);
    assert_null(shim_name_canonical("a\\..\\b"));
    EXPECT_ERROR(MAILSLOT_E_NAME);
}

/* ---- the log queue ------------------------------------------------------------- */

static void drain_log_queue(void)
{
    shim_log_line line;
    while (shim_log_queue_pop(&line))
        free(line.text);
}

static void test_the_log_queue_keeps_order_and_tells_what_it_lost(void **state)
{
    (void)state;
    drain_log_queue();
    shim_log_line line;
    assert_int_equal(shim_log_queue_pop(&line), 0);
    for (int i = 0; i < SHIM_LOG_QUEUE + 3; i++) {
        char text[32];
        snprintf(text, sizeof text, "line %d", i);
        shim_log_queue_push(NULL, i % 2 ? MAILSLOT_LOG_INFO : MAILSLOT_LOG_ERROR, text);
    }
    for (int i = 0; i < SHIM_LOG_QUEUE; i++) {
        char text[32];
        snprintf(text, sizeof text, "line %d", i);
        assert_int_equal(shim_log_queue_pop(&line), 1);
        assert_int_equal(line.level, i % 2 ? MAILSLOT_LOG_INFO : MAILSLOT_LOG_ERROR);
        assert_string_equal(line.text, text);
        free(line.text);
    }
    assert_int_equal(shim_log_queue_pop(&line), 1);
    assert_int_equal(line.level, MAILSLOT_LOG_WARNING);
    assert_non_null(strstr(line.text, "3 log messages were lost"));
    free(line.text);
    assert_int_equal(shim_log_queue_pop(&line), 0);
    /* The ring goes on after wrapping. */
    shim_log_queue_push(NULL, MAILSLOT_LOG_DEBUG, "after");
    assert_int_equal(shim_log_queue_pop(&line), 1);
    assert_string_equal(line.text, "after");
    free(line.text);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_the_error_slot_takes_the_detail_or_the_generic_text,
                               clear_error),
        cmocka_unit_test_setup(test_the_error_slot_is_the_thread_s_own, clear_error),
        cmocka_unit_test_setup(test_only_the_options_given_are_set, clear_error),
        cmocka_unit_test_setup(test_a_bad_option_fails_with_the_library_s_code, clear_error),
        cmocka_unit_test_setup(test_keys_and_a_key_file_together_are_refused, clear_error),
        cmocka_unit_test_setup(test_a_waiting_message_is_read_whole_with_its_length, clear_error),
        cmocka_unit_test_setup(test_a_message_larger_than_the_first_buffer_is_read_whole,
                               clear_error),
        cmocka_unit_test_setup(test_a_message_is_read_into_the_caller_s_block_when_it_fits,
                               clear_error),
        cmocka_unit_test_setup(test_close_waits_for_the_calls_in_flight, clear_error),
        cmocka_unit_test_setup(test_close_wakes_a_waiting_read_with_e_closed, clear_error),
        cmocka_unit_test_setup(test_an_interrupted_read_of_an_open_reader_says_interrupted,
                               clear_error),
        cmocka_unit_test_setup(test_every_call_after_close_fails_with_e_closed, clear_error),
        cmocka_unit_test_setup(test_a_missing_object_fails_with_e_invalid, clear_error),
        cmocka_unit_test_setup(test_reader_values_pass_through, clear_error),
        cmocka_unit_test_setup(test_a_writer_fails_as_the_library_says_and_closes_once,
                               clear_error),
        cmocka_unit_test_setup(test_names_are_canonical_or_refused, clear_error),
        cmocka_unit_test_setup(test_the_log_queue_keeps_order_and_tells_what_it_lost, clear_error),
    };
    return MS_RUN_TESTS("shim", tests, NULL, NULL);
}
