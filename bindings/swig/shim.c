/* SPDX-License-Identifier: MIT */
/*
 * shim.c -- the C layer under the SWIG bindings: the reader and writer wrappers
 * with their close guard, the options, the message buffers and the error slot
 * (shim.h says what each promises). Compiled into every language module
 * (bindings/swig/CMakeLists.txt, the Lua rockspec) and into tests/test_shim.c.
 */
#include "shim.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
typedef SRWLOCK shim_mutex;
typedef CONDITION_VARIABLE shim_cond;
#define SHIM_MUTEX_INIT SRWLOCK_INIT
#define shim_mutex_init(m) InitializeSRWLock(m)
#define shim_mutex_destroy(m) ((void)(m))
#define shim_lock(m) AcquireSRWLockExclusive(m)
#define shim_unlock(m) ReleaseSRWLockExclusive(m)
#define shim_cond_init(c) InitializeConditionVariable(c)
#define shim_cond_destroy(c) ((void)(c))
#define shim_cond_broadcast(c) WakeAllConditionVariable(c)
#define shim_cond_wait_ms(c, m, ms) SleepConditionVariableSRW((c), (m), (ms), 0)
#else
#include <pthread.h>
#include <time.h>
typedef pthread_mutex_t shim_mutex;
typedef pthread_cond_t shim_cond;
#define SHIM_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#define shim_mutex_init(m) pthread_mutex_init((m), NULL)
#define shim_mutex_destroy(m) pthread_mutex_destroy(m)
#define shim_lock(m) pthread_mutex_lock(m)
#define shim_unlock(m) pthread_mutex_unlock(m)
#define shim_cond_init(c) pthread_cond_init((c), NULL)
#define shim_cond_destroy(c) pthread_cond_destroy(c)
#define shim_cond_broadcast(c) pthread_cond_broadcast(c)
static void shim_cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(c, m, &ts);
}
#endif

/* ---- the one error slot: set by the shim, read by %exception ------------ */

static shim_thread_local int shim_err_code;
static shim_thread_local char shim_err_text[512];

void shim_fail(int code, const char *detail)
{
    if (detail == NULL || detail[0] == '\0')
        detail = mailslot_last_error_detail();
    if (detail == NULL || detail[0] == '\0')
        detail = mailslot_strerror(code);
    shim_err_code = code;
    snprintf(shim_err_text, sizeof shim_err_text, "%s", detail);
}

void shim_error_clear(void)
{
    shim_err_code = 0;
    shim_err_text[0] = '\0';
}

int shim_error_code(void)
{
    return shim_err_code;
}

const char *shim_error_text(void)
{
    return shim_err_text;
}

/* A monotonic clock in milliseconds, for what is left of a read's timeout. */
static int64_t shim_now_ms(void)
{
#if defined(_WIN32)
    return (int64_t)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

/* ---- byte buffers -------------------------------------------------------- */

void shim_bytes_free(void *block)
{
    free(block);
}

/* ---- options ------------------------------------------------------------- */

/* One optional option, after the ones before it succeeded (rc). */
static int shim_set_opt_int(mailslot_options *o, int rc, int key, shim_opt_int value)
{
    return rc == MAILSLOT_OK && value != SHIM_UNSET
               ? mailslot_options_set_int(o, key, (int64_t)value)
               : rc;
}

static int shim_set_opt_str(mailslot_options *o, int rc, int key, const char *value)
{
    return rc == MAILSLOT_OK && value != NULL ? mailslot_options_set_str(o, key, value) : rc;
}

/* What the library cannot see (of KEYS and KEY_FILE, the last set would
 * win): false, and the error set, when both sources of keys are given. */
static bool shim_net_args_ok(const shim_net_args *a)
{
    if (a->keys != NULL && a->key_file != NULL) {
        shim_fail(MAILSLOT_E_INVALID, "keys and key_file: give one of them, not both");
        return false;
    }
    return true;
}

/* A key file that others can read fails with MAILSLOT_E_ACCESS, a missing one
 * with MAILSLOT_E_NOT_FOUND (when the reader or writer is created). */
int shim_set_net_options(mailslot_options *o, const shim_net_args *a)
{
    int rc = shim_set_opt_int(o, MAILSLOT_OK, MAILSLOT_OPT_NETWORK, a->network);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_PORT, a->port);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_TTL, a->ttl);
    rc = shim_set_opt_str(o, rc, MAILSLOT_OPT_DOMAIN, a->domain);
    rc = shim_set_opt_str(o, rc, MAILSLOT_OPT_INTERFACE, a->iface);
    rc = shim_set_opt_str(o, rc, MAILSLOT_OPT_KEYS, a->keys);
    rc = shim_set_opt_str(o, rc, MAILSLOT_OPT_KEY_FILE, a->key_file);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_SUITE, a->suite);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_REPLAY_WINDOW, a->replay_window);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_TIME_WINDOW, a->time_window_ms);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_AUTH_MIGRATION, a->auth_migration);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_AUTH_LOG, a->auth_log);
    rc = shim_set_opt_int(o, rc, MAILSLOT_OPT_LEGACY, a->legacy);
    rc = shim_set_opt_str(o, rc, MAILSLOT_OPT_NETBIOS_NAME, a->netbios_name);
    return rc;
}

/* ---- the close guard, shared by Reader and Writer ------------------------ */

/* A library handle with the calls in flight on it. */
typedef struct shim_guard {
    shim_mutex mu;
    shim_cond idle; /* broadcast when busy drops to 0 */
    void *h;        /* NULL once closed */
    int busy;       /* calls between shim_guard_enter and shim_guard_leave */
} shim_guard;

struct Reader {
    shim_guard g;
};

struct Writer {
    shim_guard g;
};

static void shim_guard_init(shim_guard *g, void *h)
{
    shim_mutex_init(&g->mu);
    shim_cond_init(&g->idle);
    g->h = h;
    g->busy = 0;
}

static void shim_guard_destroy(shim_guard *g)
{
    shim_cond_destroy(&g->idle);
    shim_mutex_destroy(&g->mu);
}

/* The end of a create or open that returned rc (and h): frees the options o,
 * and returns a zeroed object of size bytes, whose first member is the guard
 * of h, or NULL with the error set (then the caller closes h). */
static shim_guard *shim_guard_new(int rc, mailslot_options *o, void *h, size_t size)
{
    shim_guard *g = NULL;
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL); /* before the options go: their free may not keep the detail */
    else if ((g = (shim_guard *)calloc(1, size)) == NULL)
        shim_fail(MAILSLOT_E_NOMEM, "out of memory");
    else
        shim_guard_init(g, h);
    mailslot_options_free(o);
    return g;
}

/* Starts a call: the handle, or NULL (and the error set) if closed. */
static void *shim_guard_enter(shim_guard *g, const char *closed)
{
    void *h;
    shim_lock(&g->mu);
    h = g->h;
    if (h != NULL)
        g->busy++;
    shim_unlock(&g->mu);
    if (h == NULL)
        shim_fail(MAILSLOT_E_CLOSED, closed);
    return h;
}

static void shim_guard_leave(shim_guard *g)
{
    shim_lock(&g->mu);
    if (--g->busy == 0)
        shim_cond_broadcast(&g->idle);
    shim_unlock(&g->mu);
}

static int shim_guard_is_closed(shim_guard *g)
{
    int closed;
    shim_lock(&g->mu);
    closed = g->h == NULL;
    shim_unlock(&g->mu);
    return closed;
}

/* Takes the handle away from new calls and waits until every call has left
 * the library; wake (a reader's mailslot_interrupt, or NULL for a writer,
 * whose calls never block) runs every round, since a call that is about to
 * wait is caught only by the next one. Returns the handle to close (NULL:
 * closed already). */
static void *shim_guard_close(shim_guard *g, int (*wake)(void *h))
{
    void *h;
    shim_lock(&g->mu);
    h = g->h;
    g->h = NULL; /* no call starts from now on */
    while (h != NULL && g->busy > 0) {
        if (wake != NULL)
            wake(h);
        shim_cond_wait_ms(&g->idle, &g->mu, 2);
    }
    shim_unlock(&g->mu);
    return h;
}

/* ---- Reader -------------------------------------------------------------- */

static const char shim_reader_closed[] = "the reader is closed";

Reader *shim_reader_new(const char *name, int max_message_size, int read_timeout_ms,
                        int queue_limit, int allow_any_user, const shim_net_args *net)
{
    mailslot_options *o = NULL;
    mailslot_reader *h = NULL;
    Reader *self;
    int rc;
    if (!shim_net_args_ok(net))
        return NULL;
    rc = mailslot_options_new(&o);
    if (rc == MAILSLOT_OK && max_message_size != 0)
        rc = mailslot_options_set_int(o, MAILSLOT_OPT_MAX_MESSAGE_SIZE, max_message_size);
    if (rc == MAILSLOT_OK && read_timeout_ms != MAILSLOT_WAIT_FOREVER)
        rc = mailslot_options_set_int(o, MAILSLOT_OPT_READ_TIMEOUT, read_timeout_ms);
    if (rc == MAILSLOT_OK && queue_limit != 0)
        rc = mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, queue_limit);
    if (rc == MAILSLOT_OK && allow_any_user != 0)
        rc = mailslot_options_set_int(o, MAILSLOT_OPT_ALLOW_ANY_USER, 1);
    if (rc == MAILSLOT_OK)
        rc = shim_set_net_options(o, net);
    if (rc == MAILSLOT_OK)
        rc = mailslot_create(name, o, &h);
    self = (Reader *)shim_guard_new(rc, o, h, sizeof *self);
    if (self == NULL)
        mailslot_reader_close(h); /* NULL: a no-op */
    return self;
}

/* Starts a call: the handle, or NULL (and the error set) if closed. */
static mailslot_reader *shim_reader_enter(Reader *self)
{
    if (self == NULL) { /* e.g. Reader.read(None) in Python */
        shim_fail(MAILSLOT_E_INVALID, "no reader object");
        return NULL;
    }
    return (mailslot_reader *)shim_guard_enter(&self->g, shim_reader_closed);
}

int shim_reader_is_closed(Reader *self)
{
    return self == NULL || shim_guard_is_closed(&self->g);
}

static int shim_reader_wake(void *h)
{
    return mailslot_interrupt((mailslot_reader *)h);
}

void shim_reader_close(Reader *self)
{
    if (self == NULL)
        return;
    /* NULL: already closed, a no-op */
    mailslot_reader_close((mailslot_reader *)shim_guard_close(&self->g, shim_reader_wake));
}

void shim_reader_delete(Reader *self)
{
    if (self == NULL)
        return;
    shim_reader_close(self);
    shim_guard_destroy(&self->g);
    free(self);
}

shim_bytes shim_reader_read(Reader *self, int timeout_ms)
{
    return shim_reader_read_buf(self, timeout_ms, NULL, 0);
}

shim_bytes shim_reader_read_buf(Reader *self, int timeout_ms, unsigned char *buf, size_t buf_cap)
{
    shim_bytes out = {NULL, 0};
    mailslot_reader *h = shim_reader_enter(self);
    uint32_t next = MAILSLOT_NO_MESSAGE;
    unsigned char *block = buf;
    size_t cap = buf_cap;
    int64_t start = shim_now_ms();
    int32_t wait = timeout_ms;
    if (h == NULL)
        return out;
    if (block == NULL) {
        /* Size the buffer for the message that waits, if one does. */
        if (mailslot_info(h, NULL, &next, NULL, NULL) != MAILSLOT_OK || next == MAILSLOT_NO_MESSAGE)
            next = 1024;
        cap = next;
        block = (unsigned char *)malloc(SHIM_BYTES_HEADER + cap);
    }
    for (;;) {
        size_t len = 0;
        int rc;
        if (block == NULL) {
            shim_fail(MAILSLOT_E_NOMEM, "out of memory");
            break;
        }
        rc = mailslot_read(h, block + SHIM_BYTES_HEADER, cap, &len, wait);
        if (rc == MAILSLOT_OK) {
            uint64_t n = len;
            memcpy(block, &n, sizeof n);
            out.block = block;
            out.len = len;
            break;
        }
        if (rc == MAILSLOT_E_BUFFER) {
            /* The next message needs len bytes and stays queued: grow (the
             * caller's buf is not ours to grow: a block of our own), retry
             * with what is left of the timeout (another thread may take it). */
            unsigned char *bigger =
                (unsigned char *)(block == buf ? malloc(SHIM_BYTES_HEADER + len)
                                               : realloc(block, SHIM_BYTES_HEADER + len));
            if (bigger == NULL && block != buf)
                free(block);
            block = bigger;
            cap = len;
            if (timeout_ms > 0) {
                int64_t left = (int64_t)timeout_ms - (shim_now_ms() - start);
                wait = left > 0 ? (int32_t)left : 0;
            }
            continue;
        }
        if ((rc == MAILSLOT_E_INTERRUPTED || rc == MAILSLOT_E_CLOSED) &&
            shim_reader_is_closed(self))
            shim_fail(MAILSLOT_E_CLOSED, "the reader was closed while the read waited");
        else
            shim_fail(rc, NULL);
        if (block != buf)
            free(block);
        break;
    }
    shim_guard_leave(&self->g);
    return out;
}

void shim_reader_info(Reader *self, unsigned int *max_message_size, unsigned int *next_size,
                      unsigned int *message_count, int *read_timeout_ms)
{
    uint32_t m = 0, n = 0, c = 0;
    int32_t t = 0;
    int rc;
    mailslot_reader *h = shim_reader_enter(self);
    *max_message_size = *next_size = *message_count = 0;
    *read_timeout_ms = 0;
    if (h == NULL)
        return;
    rc = mailslot_info(h, &m, &n, &c, &t);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    shim_guard_leave(&self->g);
    *max_message_size = m;
    *next_size = n;
    *message_count = c;
    *read_timeout_ms = t;
}

void shim_reader_set_read_timeout(Reader *self, int timeout_ms)
{
    int rc;
    mailslot_reader *h = shim_reader_enter(self);
    if (h == NULL)
        return;
    rc = mailslot_set_read_timeout(h, timeout_ms);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    shim_guard_leave(&self->g);
}

long long shim_reader_fd(Reader *self)
{
    intptr_t fd = -1;
    int rc;
    mailslot_reader *h = shim_reader_enter(self);
    if (h == NULL)
        return -1;
    rc = mailslot_fd(h, &fd);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    shim_guard_leave(&self->g);
    return (long long)fd;
}

void shim_reader_interrupt(Reader *self)
{
    int rc;
    mailslot_reader *h = shim_reader_enter(self);
    if (h == NULL)
        return;
    rc = mailslot_interrupt(h);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    shim_guard_leave(&self->g);
}

/* OPT_MAX_MESSAGE_SIZE .. OPT_PORT, OPT_KEYS .. OPT_AUTH_LOG (KEYS and
 * KEY_FILE give the number of keys) or a counter (STAT_*). */
long long shim_reader_get_int(Reader *self, int key)
{
    int64_t value = 0;
    int rc;
    mailslot_reader *h = shim_reader_enter(self);
    if (h == NULL)
        return 0;
    rc = mailslot_reader_get_int(h, key, &value);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    shim_guard_leave(&self->g);
    return (long long)value;
}

char *shim_reader_name(Reader *self)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;
    mailslot_reader *h = shim_reader_enter(self);
    if (h == NULL)
        return NULL;
    rc = mailslot_reader_name(h, NULL, 0, &len);
    if (rc == MAILSLOT_E_BUFFER) {
        buf = (char *)malloc(len + 1);
        rc = buf == NULL ? MAILSLOT_E_NOMEM : mailslot_reader_name(h, buf, len + 1, &len);
    }
    if (rc != MAILSLOT_OK) {
        shim_fail(rc, NULL);
        free(buf);
        buf = NULL;
    }
    shim_guard_leave(&self->g);
    return buf;
}

/* ---- Writer -------------------------------------------------------------- */

Writer *shim_writer_new(const char *name, const shim_net_args *net)
{
    mailslot_options *o = NULL;
    mailslot_writer *h = NULL;
    Writer *self;
    int rc;
    if (!shim_net_args_ok(net))
        return NULL;
    rc = mailslot_options_new(&o);
    if (rc == MAILSLOT_OK)
        rc = shim_set_net_options(o, net);
    if (rc == MAILSLOT_OK)
        rc = mailslot_open(name, o, &h);
    self = (Writer *)shim_guard_new(rc, o, h, sizeof *self);
    if (self == NULL)
        mailslot_writer_close(h); /* NULL: a no-op */
    return self;
}

int shim_writer_is_closed(Writer *self)
{
    return self == NULL || shim_guard_is_closed(&self->g);
}

void shim_writer_close(Writer *self)
{
    if (self == NULL)
        return;
    /* writes never block: the wait ends soon */
    mailslot_writer_close((mailslot_writer *)shim_guard_close(&self->g, NULL));
}

void shim_writer_delete(Writer *self)
{
    if (self == NULL)
        return;
    shim_writer_close(self);
    shim_guard_destroy(&self->g);
    free(self);
}

void shim_writer_write(Writer *self, const unsigned char *data, size_t len)
{
    mailslot_writer *h;
    int rc;
    if (self == NULL) {
        shim_fail(MAILSLOT_E_INVALID, "no writer object");
        return;
    }
    h = (mailslot_writer *)shim_guard_enter(&self->g, "the writer is closed");
    if (h == NULL)
        return;
    rc = mailslot_write(h, data, len);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    shim_guard_leave(&self->g);
}

/* ---- module functions ---------------------------------------------------- */

char *shim_name_canonical(const char *name)
{
    size_t len = 0;
    char *buf = NULL;
    int rc = mailslot_name_canonical(name, NULL, 0, &len);
    if (rc == MAILSLOT_E_BUFFER) {
        buf = (char *)malloc(len + 1);
        rc = buf == NULL ? MAILSLOT_E_NOMEM : mailslot_name_canonical(name, buf, len + 1, &len);
    }
    if (rc != MAILSLOT_OK) {
        shim_fail(rc, NULL);
        free(buf);
        return NULL;
    }
    return buf;
}

long long shim_query_int(const char *name, int key, int timeout_ms)
{
    int64_t value = 0;
    int rc = mailslot_query(name, &key, &value, 1, timeout_ms);
    if (rc != MAILSLOT_OK)
        shim_fail(rc, NULL);
    return (long long)value;
}

/* ---- the log queue ------------------------------------------------------- */

static shim_mutex shim_log_mu = SHIM_MUTEX_INIT;
static shim_log_line shim_log_queue[SHIM_LOG_QUEUE];
static unsigned shim_log_head, shim_log_count;
static unsigned long shim_log_lost; /* messages the full queue refused */

static char *shim_log_copy(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = (char *)malloc(n);
    if (copy != NULL)
        memcpy(copy, text, n);
    return copy;
}

/* The library's handler, on any thread. */
void MAILSLOT_CALL shim_log_queue_push(void *ctx, int level, const char *message)
{
    char *copy = shim_log_copy(message);
    (void)ctx;
    shim_lock(&shim_log_mu);
    if (copy == NULL || shim_log_count == SHIM_LOG_QUEUE) {
        shim_log_lost++;
        free(copy);
    } else {
        shim_log_line *l = &shim_log_queue[(shim_log_head + shim_log_count++) % SHIM_LOG_QUEUE];
        l->level = level;
        l->text = copy;
    }
    shim_unlock(&shim_log_mu);
}

int shim_log_queue_pop(shim_log_line *out)
{
    int got = 1;
    shim_lock(&shim_log_mu);
    if (shim_log_count > 0) {
        *out = shim_log_queue[shim_log_head];
        shim_log_head = (shim_log_head + 1) % SHIM_LOG_QUEUE;
        shim_log_count--;
    } else if (shim_log_lost > 0) {
        char text[160];
        snprintf(text, sizeof text,
                 "%lu log messages were lost: more than %d waited for mailslot.dispatch_log()",
                 shim_log_lost, SHIM_LOG_QUEUE);
        out->level = MAILSLOT_LOG_WARNING;
        out->text = shim_log_copy(text);
        shim_log_lost = 0;
        got = out->text != NULL;
    } else {
        got = 0;
    }
    shim_unlock(&shim_log_mu);
    return got;
}
