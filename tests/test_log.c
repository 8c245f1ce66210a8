/* SPDX-License-Identifier: MIT */
/* test_log.c -- the library's messages to the program
 * (mailslot_set_log_handler, src/log.c): a keyed reader's drop line reaches
 * the handler with its level, its text and the handler's ctx, from a thread
 * that holds no lock of the library's; NULL gives stderr back; handlers can
 * be swapped while another thread logs; a full queue says what it lost. */
#include "test_util.h"

#include "auth/auth.h"
#include "log.h"
#include "test_platform.h"

#include <fcntl.h>

#define KEY_A "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"

/* What a recording handler saw. */
typedef struct seen {
    pthread_mutex_t mu;
    int calls;
    int level;
    char text[MS_LOG_LINE];
    void *ctx;
    mailslot_reader *reader; /* for a handler that calls back into the library */
    int64_t counted;         /* what it read back: MAILSLOT_STAT_AUTH_NONE */
} seen;

static void record(void *ctx, int level, const char *message)
{
    seen *s = ctx;
    pthread_mutex_lock(&s->mu);
    s->calls++;
    s->level = level;
    s->ctx = ctx;
    snprintf(s->text, sizeof s->text, "%s", message);
    pthread_mutex_unlock(&s->mu);
}

static int calls_of(seen *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->calls;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* A handler that calls the library back: the reader that logged (its lock
 * would deadlock a handler called under it) and the handler setter. */
static void call_back(void *ctx, int level, const char *message)
{
    seen *s = ctx;
    int64_t v = -1;
    if (s->reader)
        mailslot_reader_get_int(s->reader, MAILSLOT_STAT_AUTH_NONE, &v);
    pthread_mutex_lock(&s->mu);
    s->counted = v;
    pthread_mutex_unlock(&s->mu);
    mailslot_set_log_handler(record, ctx); /* from inside a handler */
    record(ctx, level, message);
}

static int reset_handler(void **state)
{
    (void)state;
    OK(mailslot_set_log_handler(NULL, NULL));
    return 0;
}

/* A keyed reader (logging on) of name, and a keyless writer of its "*"
 * copy, which reaches the reader as an unsigned network packet. */
static mailslot_reader *keyed_reader(const char *name)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEYS, KEY_A));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

static void send_unsigned(const char *name)
{
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, NULL, &w));
    OK(mailslot_write(w, "unsigned", 8));
    mailslot_writer_close(w);
}

static void test_the_drop_line_reaches_the_handler(void **state)
{
    (void)state;
    if (!ms_auth_available() || test_native_readers)
        skip(); /* no keys; or native readers, whose drops the host forwarder logs */
    static seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    NAME(name, "logdrop");
    mailslot_reader *r = keyed_reader(name);
    s.reader = r;
    OK(mailslot_set_log_handler(call_back, &s));
    send_unsigned(name);
    /* The I/O thread, or this thread in mailslot_info, decides on the
     * packet; either tells the handler after it unlocked the reader. */
    uint32_t count;
    WAIT_UNTIL(mailslot_info(r, NULL, NULL, &count, NULL) == MAILSLOT_OK && calls_of(&s) > 0);
    pthread_mutex_lock(&s.mu);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.level, MAILSLOT_LOG_WARNING);
    assert_ptr_equal(s.ctx, &s);
    assert_int_equal(s.counted, 1); /* the handler could ask the reader */
    char canonical[200];
    size_t len;
    OK(mailslot_name_canonical(name, canonical, sizeof canonical, &len));
    assert_non_null(strstr(s.text, canonical));
    assert_non_null(strstr(s.text, "dropped 1 network message (auth_none)"));
    assert_null(strstr(s.text, "key id")); /* an unsigned packet has none */
    assert_null(strstr(s.text, "\n"));
    pthread_mutex_unlock(&s.mu);
    mailslot_reader_close(r);
}

/* Runs ms_log + ms_log_flush with stderr going to a file; returns what
 * was written there. */
static const char *stderr_of_one_line(char *buf, size_t cap)
{
    char path[300];
    snprintf(path, sizeof path, "%s/mailslot-log-%d", test_temp_dir(), (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0 && dup2(fd, 2) != -1); /* MSVCRT's dup2 returns 0 */
    ms_log(MAILSLOT_LOG_INFO, "a line %d", 42);
    ms_log_flush();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    remove(path);
    /* Without the \r a text-mode stderr (Windows) writes before \n. */
    size_t kept = 0;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] != '\r')
            buf[kept++] = buf[i];
    buf[kept] = '\0';
    return buf;
}

static void test_null_restores_stderr(void **state)
{
    (void)state;
    static seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    char out[256];
    OK(mailslot_set_log_handler(record, &s));
    assert_string_equal(stderr_of_one_line(out, sizeof out), "");
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.level, MAILSLOT_LOG_INFO);
    assert_string_equal(s.text, "a line 42");
    OK(mailslot_set_log_handler(NULL, &s));
    assert_string_equal(stderr_of_one_line(out, sizeof out), "mailslot: a line 42\n");
    assert_int_equal(s.calls, 1);
}

/* ---- swapping while another thread logs ---------------------------------- */

typedef struct pair_ctx {
    atomic_long calls;
    atomic_long mismatched; /* calls whose ctx was not their handler's */
} pair_ctx;

static pair_ctx ctx_a, ctx_b;

static void handler_a(void *ctx, int level, const char *message)
{
    (void)level;
    (void)message;
    atomic_fetch_add(ctx == &ctx_a ? &ctx_a.calls : &ctx_a.mismatched, 1);
}

static void handler_b(void *ctx, int level, const char *message)
{
    (void)level;
    (void)message;
    atomic_fetch_add(ctx == &ctx_b ? &ctx_b.calls : &ctx_b.mismatched, 1);
}

static atomic_int logging_done;

static void *log_loop(void *arg)
{
    long n = *(long *)arg;
    for (long i = 0; i < n; i++) {
        ms_log(MAILSLOT_LOG_DEBUG, "line %ld", i);
        ms_log_flush();
    }
    atomic_store(&logging_done, 1);
    return NULL;
}

static void test_handlers_swap_while_another_thread_logs(void **state)
{
    (void)state;
    long n = scaled(200000);
    OK(mailslot_set_log_handler(handler_a, &ctx_a));
    atomic_store(&logging_done, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, log_loop, &n), 0);
    for (long i = 0; !atomic_load(&logging_done); i++)
        OK(i % 2 ? mailslot_set_log_handler(handler_a, &ctx_a)
                 : mailslot_set_log_handler(handler_b, &ctx_b));
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&ctx_a.mismatched) + atomic_load(&ctx_b.mismatched), 0);
    assert_int_equal(atomic_load(&ctx_a.calls) + atomic_load(&ctx_b.calls), n);
}

/* ---- a full queue --------------------------------------------------------- */

static void test_a_full_queue_tells_what_it_lost(void **state)
{
    (void)state;
    static seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    OK(mailslot_set_log_handler(record, &s));
    for (int i = 0; i < MS_LOG_QUEUE + 5; i++)
        ms_log(MAILSLOT_LOG_INFO, "line %d", i);
    ms_log_flush();
    assert_int_equal(s.calls, MS_LOG_QUEUE + 1);
    assert_int_equal(s.level, MAILSLOT_LOG_WARNING);
    assert_non_null(strstr(s.text, "5 log messages were lost"));
    ms_log_flush(); /* nothing more */
    assert_int_equal(s.calls, MS_LOG_QUEUE + 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_the_drop_line_reaches_the_handler, reset_handler),
        cmocka_unit_test_teardown(test_null_restores_stderr, reset_handler),
        cmocka_unit_test_teardown(test_handlers_swap_while_another_thread_logs, reset_handler),
        cmocka_unit_test_teardown(test_a_full_queue_tells_what_it_lost, reset_handler),
    };
    return MS_RUN_TESTS("log", tests, NULL, NULL);
}
