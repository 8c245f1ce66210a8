/* SPDX-License-Identifier: MIT */
/*
 * mailslot.i -- the one SWIG interface of libmailslot, for Python, C# and Lua.
 *
 * The opaque handles become two classes:
 *
 *   Reader(name, max_message_size=0, read_timeout_ms=WAIT_FOREVER, queue_limit=0,
 *          allow_any_user=0, network=<unset>, port=<unset>, domain=NULL,
 *          interface=NULL, keys=NULL, key_file=NULL, replay_window=<unset>,
 *          time_window_ms=<unset>, auth_migration=<unset>, auth_log=<unset>)
 *       read(timeout_ms=USE_DEFAULT) -> bytes   one whole message, any size
 *       info() -> (max_message_size, next_size, message_count, read_timeout_ms)
 *       get_int(key) -> int   an OPT_* value in effect or a STAT_* counter
 *       set_read_timeout(timeout_ms), fd() -> int, interrupt(), name() -> str,
 *       close(), closed() -> bool
 *   Writer(name, network=<unset>, port=<unset>, ttl=<unset>, domain=NULL,
 *          interface=NULL, keys=NULL, key_file=NULL, suite=<unset>)
 *       write(bytes), close(), closed() -> bool
 *
 * plus version(), version_string(), strerror(code), name_canonical(name),
 * query_int(name, key, timeout_ms) -> int (since 1.1; mailslot_query) and the
 * E_* / OPT_* / STAT_* / WAIT_FOREVER / USE_DEFAULT / NO_MESSAGE / MAX_*_MESSAGE
 * constants. The network options (MAILSLOT_OPT_NETWORK .. _INTERFACE) and the
 * network keys (MAILSLOT_OPT_KEYS .. _AUTH_LOG) are set only when given:
 * <unset> (MS_UNSET, which each language spells as its own "nothing": None,
 * null, nil) and NULL leave them to the environment (MAILSLOT_NETWORK, ...,
 * MAILSLOT_KEY_FILE, ...) and the library's defaults. Every optional integer
 * is of type ms_opt_int, so that each language has one typemap for them.
 *
 * How it is built: a small C layer below (the "shim") wraps each library handle
 * in a struct with a lock, so that
 *  - close() is idempotent, and any call on a closed object fails with
 *    MAILSLOT_E_CLOSED ("the reader is closed") instead of touching freed memory;
 *  - close() may run while other threads are inside calls on the same object:
 *    it takes the handle away from new calls, wakes blocked reads (they fail
 *    with MAILSLOT_E_CLOSED), waits until no call is inside the library, and only
 *    then calls mailslot_reader_close -- the library forbids calls that start
 *    after close, and this is how the wrapper keeps that rule;
 *  - the struct itself is freed only by the destructor (garbage collection), so
 *    close followed by collection is safe;
 *  - read() sizes its buffer from mailslot_info's next_size and retries on
 *    MAILSLOT_E_BUFFER with the size the library returns, so callers never see
 *    MAILSLOT_E_BUFFER.
 * Every shim function reports a failure with ms_fail(code, detail) into a
 * thread-local slot; ONE %exception below turns that slot into the language's
 * error (Python: mailslot_swig.Error(code, message); C#: MailslotException,
 * TimeoutException, ObjectDisposedException; Lua: an error object
 * {code=, message=}). Only the language-specific glue sits in the
 * #ifdef SWIGPYTHON / SWIGCSHARP / SWIGLUA sections.
 */

#if defined(SWIGPYTHON)
%module(threads="1") mailslot_swig
#elif defined(SWIGCSHARP)
%module MailslotNative
#else
%module mailslot
#endif

%{
#if defined(_WIN32)
/* <windows.h> before mailslot.h, which then replaces the DWORD values that
 * <winbase.h> gives MAILSLOT_WAIT_FOREVER and MAILSLOT_NO_MESSAGE with its own. */
#include <windows.h>
/* <objbase.h> defines "interface" as "struct"; it is a parameter name here. */
#ifdef interface
#undef interface
#endif
#endif
#include <mailslot.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
typedef SRWLOCK ms_mutex;
typedef CONDITION_VARIABLE ms_cond;
#define MS_MUTEX_INIT SRWLOCK_INIT
#define ms_mutex_init(m) InitializeSRWLock(m)
#define ms_mutex_destroy(m) ((void)(m))
#define ms_lock(m) AcquireSRWLockExclusive(m)
#define ms_unlock(m) ReleaseSRWLockExclusive(m)
#define ms_cond_init(c) InitializeConditionVariable(c)
#define ms_cond_destroy(c) ((void)(c))
#define ms_cond_broadcast(c) WakeAllConditionVariable(c)
#define ms_cond_wait_ms(c, m, ms) SleepConditionVariableSRW((c), (m), (ms), 0)
#if defined(_MSC_VER)
#define ms_thread_local __declspec(thread)
#else
#define ms_thread_local _Thread_local /* MinGW-w64's GCC ignores __declspec(thread) */
#endif
#else
#include <pthread.h>
#include <time.h>
typedef pthread_mutex_t ms_mutex;
typedef pthread_cond_t ms_cond;
#define MS_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#define ms_mutex_init(m) pthread_mutex_init((m), NULL)
#define ms_mutex_destroy(m) pthread_mutex_destroy(m)
#define ms_lock(m) pthread_mutex_lock(m)
#define ms_unlock(m) pthread_mutex_unlock(m)
#define ms_cond_init(c) pthread_cond_init((c), NULL)
#define ms_cond_destroy(c) pthread_cond_destroy(c)
#define ms_cond_broadcast(c) pthread_cond_broadcast(c)
#define ms_thread_local __thread
static void ms_cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(c, m, &ts);
}
#endif

/* ---- the one error slot: set by the shim, read by %exception ---------- */

static ms_thread_local int ms_err_code;
static ms_thread_local char ms_err_text[512];

/* Records a failure. detail NULL takes the library's own sentence for this
 * thread's last failure, or the generic text of the code. */
static void ms_fail(int code, const char *detail)
{
    if (detail == NULL || detail[0] == '\0')
        detail = mailslot_last_error_detail();
    if (detail == NULL || detail[0] == '\0')
        detail = mailslot_strerror(code);
    ms_err_code = code;
    snprintf(ms_err_text, sizeof ms_err_text, "%s", detail);
}

/* A monotonic clock in milliseconds, for what is left of a read's timeout. */
static int64_t ms_now_ms(void)
{
#if defined(_WIN32)
    return (int64_t)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

/* ---- byte buffers that leave the shim ----------------------------------- */

/* A message read by Reader.read: one malloc'd block holding a 16-byte header
 * (the length as uint64_t) and then the bytes, so that the C# side can take
 * the block as one pointer. Each language's "out" typemap copies the bytes
 * and frees the block. */
typedef struct ms_bytes {
    unsigned char *block;
    size_t len;
} ms_bytes;
#define MS_BYTES_HEADER 16
#define ms_bytes_data(b) ((b).block + MS_BYTES_HEADER)

static void ms_bytes_free(void *block)
{
    free(block);
}

/* ---- options ------------------------------------------------------------ */

/* An optional integer option: MS_UNSET when not given (the environment
 * decides), else the value for the library to check. */
typedef long long ms_opt_int;
#define MS_UNSET LLONG_MIN

/* The options of one create/open call beyond the local ones, as given:
 * MS_UNSET and NULL are "not given". Readers ignore ttl and suite, writers
 * the reader's settings (replay_window .. auth_log); the constructors below
 * pass MS_UNSET for those. */
typedef struct ms_net_args {
    ms_opt_int network, port, ttl;
    const char *domain, *iface;
    const char *keys, *key_file; /* at most one of the two */
    ms_opt_int suite, replay_window, time_window_ms, auth_migration, auth_log;
} ms_net_args;

/* One optional option, after the ones before it succeeded (rc). */
static int ms_set_opt_int(mailslot_options *o, int rc, int key, ms_opt_int value)
{
    return rc == MAILSLOT_OK && value != MS_UNSET ? mailslot_options_set_int(o, key, (int64_t)value)
                                                  : rc;
}

static int ms_set_opt_str(mailslot_options *o, int rc, int key, const char *value)
{
    return rc == MAILSLOT_OK && value != NULL ? mailslot_options_set_str(o, key, value) : rc;
}

/* What the library cannot see (of KEYS and KEY_FILE, the last set would
 * win): false, and the error set, when both sources of keys are given. */
static bool ms_net_args_ok(const ms_net_args *a)
{
    if (a->keys != NULL && a->key_file != NULL) {
        ms_fail(MAILSLOT_E_INVALID, "keys and key_file: give one of them, not both");
        return false;
    }
    return true;
}

/* Sets the options that were given. The library checks each value: a bad one
 * fails with MAILSLOT_E_INVALID and a detail naming the option; a key file
 * that others can read fails with MAILSLOT_E_ACCESS, a missing one with
 * MAILSLOT_E_NOT_FOUND (when the reader or writer is created). */
static int ms_set_net_options(mailslot_options *o, const ms_net_args *a)
{
    int rc = ms_set_opt_int(o, MAILSLOT_OK, MAILSLOT_OPT_NETWORK, a->network);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_PORT, a->port);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_TTL, a->ttl);
    rc = ms_set_opt_str(o, rc, MAILSLOT_OPT_DOMAIN, a->domain);
    rc = ms_set_opt_str(o, rc, MAILSLOT_OPT_INTERFACE, a->iface);
    rc = ms_set_opt_str(o, rc, MAILSLOT_OPT_KEYS, a->keys);
    rc = ms_set_opt_str(o, rc, MAILSLOT_OPT_KEY_FILE, a->key_file);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_SUITE, a->suite);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_REPLAY_WINDOW, a->replay_window);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_TIME_WINDOW, a->time_window_ms);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_AUTH_MIGRATION, a->auth_migration);
    rc = ms_set_opt_int(o, rc, MAILSLOT_OPT_AUTH_LOG, a->auth_log);
    return rc;
}

/* ---- Reader ------------------------------------------------------------- */

typedef struct Reader {
    ms_mutex mu;
    ms_cond idle;       /* broadcast when busy drops to 0 */
    mailslot_reader *h; /* NULL once closed */
    int busy;           /* calls between ms_reader_enter and ms_reader_leave */
} Reader;

static Reader *ms_reader_new(const char *name, int max_message_size, int read_timeout_ms,
                             int queue_limit, int allow_any_user, const ms_net_args *net)
{
    mailslot_options *o = NULL;
    mailslot_reader *h = NULL;
    Reader *self;
    int rc;
    if (!ms_net_args_ok(net))
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
        rc = ms_set_net_options(o, net);
    if (rc == MAILSLOT_OK)
        rc = mailslot_create(name, o, &h);
    if (rc != MAILSLOT_OK) {
        ms_fail(rc, NULL);
        mailslot_options_free(o);
        return NULL;
    }
    mailslot_options_free(o);
    self = (Reader *)calloc(1, sizeof *self);
    if (self == NULL) {
        mailslot_reader_close(h);
        ms_fail(MAILSLOT_E_NOMEM, "out of memory");
        return NULL;
    }
    ms_mutex_init(&self->mu);
    ms_cond_init(&self->idle);
    self->h = h;
    return self;
}

/* Starts a call: the handle, or NULL (and the error set) if closed. */
static mailslot_reader *ms_reader_enter(Reader *self)
{
    mailslot_reader *h;
    if (self == NULL) { /* e.g. Reader.read(None) in Python */
        ms_fail(MAILSLOT_E_INVALID, "no reader object");
        return NULL;
    }
    ms_lock(&self->mu);
    h = self->h;
    if (h != NULL)
        self->busy++;
    ms_unlock(&self->mu);
    if (h == NULL)
        ms_fail(MAILSLOT_E_CLOSED, "the reader is closed");
    return h;
}

static void ms_reader_leave(Reader *self)
{
    ms_lock(&self->mu);
    if (--self->busy == 0)
        ms_cond_broadcast(&self->idle);
    ms_unlock(&self->mu);
}

static int ms_reader_is_closed(Reader *self)
{
    int closed;
    if (self == NULL)
        return 1;
    ms_lock(&self->mu);
    closed = self->h == NULL;
    ms_unlock(&self->mu);
    return closed;
}

static void ms_reader_close(Reader *self)
{
    mailslot_reader *h;
    if (self == NULL)
        return;
    ms_lock(&self->mu);
    h = self->h;
    self->h = NULL; /* no call starts from now on */
    /* Wake reads that wait; a read that is about to wait is caught by the next
     * round, so interrupt until every call has left the library. */
    while (h != NULL && self->busy > 0) {
        mailslot_interrupt(h);
        ms_cond_wait_ms(&self->idle, &self->mu, 2);
    }
    ms_unlock(&self->mu);
    mailslot_reader_close(h); /* NULL: already closed, a no-op */
}

static void ms_reader_delete(Reader *self)
{
    if (self == NULL)
        return;
    ms_reader_close(self);
    ms_cond_destroy(&self->idle);
    ms_mutex_destroy(&self->mu);
    free(self);
}

static ms_bytes ms_reader_read(Reader *self, int timeout_ms)
{
    ms_bytes out = {NULL, 0};
    mailslot_reader *h = ms_reader_enter(self);
    uint32_t next = MAILSLOT_NO_MESSAGE;
    unsigned char *block;
    size_t cap;
    int64_t start = ms_now_ms();
    int32_t wait = timeout_ms;
    if (h == NULL)
        return out;
    /* Size the buffer for the message that waits, if one does. */
    if (mailslot_info(h, NULL, &next, NULL, NULL) != MAILSLOT_OK || next == MAILSLOT_NO_MESSAGE)
        next = 1024;
    cap = next;
    block = (unsigned char *)malloc(MS_BYTES_HEADER + cap);
    for (;;) {
        size_t len = 0;
        int rc;
        if (block == NULL) {
            ms_fail(MAILSLOT_E_NOMEM, "out of memory");
            break;
        }
        rc = mailslot_read(h, block + MS_BYTES_HEADER, cap, &len, wait);
        if (rc == MAILSLOT_OK) {
            uint64_t n = len;
            memcpy(block, &n, sizeof n);
            out.block = block;
            out.len = len;
            break;
        }
        if (rc == MAILSLOT_E_BUFFER) {
            /* The next message needs len bytes and stays queued: grow, retry
             * with what is left of the timeout (another thread may take it). */
            unsigned char *bigger = (unsigned char *)realloc(block, MS_BYTES_HEADER + len);
            if (bigger == NULL)
                free(block);
            block = bigger;
            cap = len;
            if (timeout_ms > 0) {
                int64_t left = (int64_t)timeout_ms - (ms_now_ms() - start);
                wait = left > 0 ? (int32_t)left : 0;
            }
            continue;
        }
        if ((rc == MAILSLOT_E_INTERRUPTED || rc == MAILSLOT_E_CLOSED) && ms_reader_is_closed(self))
            ms_fail(MAILSLOT_E_CLOSED, "the reader was closed while the read waited");
        else
            ms_fail(rc, NULL);
        free(block);
        break;
    }
    ms_reader_leave(self);
    return out;
}

static void ms_reader_info(Reader *self, unsigned int *max_message_size, unsigned int *next_size,
                           unsigned int *message_count, int *read_timeout_ms)
{
    uint32_t m = 0, n = 0, c = 0;
    int32_t t = 0;
    int rc;
    mailslot_reader *h = ms_reader_enter(self);
    *max_message_size = *next_size = *message_count = 0;
    *read_timeout_ms = 0;
    if (h == NULL)
        return;
    rc = mailslot_info(h, &m, &n, &c, &t);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    ms_reader_leave(self);
    *max_message_size = m;
    *next_size = n;
    *message_count = c;
    *read_timeout_ms = t;
}

static void ms_reader_set_read_timeout(Reader *self, int timeout_ms)
{
    int rc;
    mailslot_reader *h = ms_reader_enter(self);
    if (h == NULL)
        return;
    rc = mailslot_set_read_timeout(h, timeout_ms);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    ms_reader_leave(self);
}

static long long ms_reader_fd(Reader *self)
{
    intptr_t fd = -1;
    int rc;
    mailslot_reader *h = ms_reader_enter(self);
    if (h == NULL)
        return -1;
    rc = mailslot_fd(h, &fd);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    ms_reader_leave(self);
    return (long long)fd;
}

static void ms_reader_interrupt(Reader *self)
{
    int rc;
    mailslot_reader *h = ms_reader_enter(self);
    if (h == NULL)
        return;
    rc = mailslot_interrupt(h);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    ms_reader_leave(self);
}

/* One of the reader's integer values (mailslot_reader_get_int): an option in
 * effect (OPT_MAX_MESSAGE_SIZE .. OPT_PORT, OPT_KEYS .. OPT_AUTH_LOG; KEYS and
 * KEY_FILE give the number of keys) or a counter (STAT_*). */
static long long ms_reader_get_int(Reader *self, int key)
{
    int64_t value = 0;
    int rc;
    mailslot_reader *h = ms_reader_enter(self);
    if (h == NULL)
        return 0;
    rc = mailslot_reader_get_int(h, key, &value);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    ms_reader_leave(self);
    return (long long)value;
}

/* The canonical name as a malloc'd string (the caller frees), or NULL. */
static char *ms_reader_name(Reader *self)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;
    mailslot_reader *h = ms_reader_enter(self);
    if (h == NULL)
        return NULL;
    rc = mailslot_reader_name(h, NULL, 0, &len);
    if (rc == MAILSLOT_E_BUFFER) {
        buf = (char *)malloc(len + 1);
        rc = buf == NULL ? MAILSLOT_E_NOMEM : mailslot_reader_name(h, buf, len + 1, &len);
    }
    if (rc != MAILSLOT_OK) {
        ms_fail(rc, NULL);
        free(buf);
        buf = NULL;
    }
    ms_reader_leave(self);
    return buf;
}

/* ---- Writer ------------------------------------------------------------- */

typedef struct Writer {
    ms_mutex mu;
    ms_cond idle;
    mailslot_writer *h;
    int busy;
} Writer;

static Writer *ms_writer_new(const char *name, const ms_net_args *net)
{
    mailslot_options *o = NULL;
    mailslot_writer *h = NULL;
    Writer *self;
    int rc;
    if (!ms_net_args_ok(net))
        return NULL;
    rc = mailslot_options_new(&o);
    if (rc == MAILSLOT_OK)
        rc = ms_set_net_options(o, net);
    if (rc == MAILSLOT_OK)
        rc = mailslot_open(name, o, &h);
    if (rc != MAILSLOT_OK) {
        ms_fail(rc, NULL);
        mailslot_options_free(o);
        return NULL;
    }
    mailslot_options_free(o);
    self = (Writer *)calloc(1, sizeof *self);
    if (self == NULL) {
        mailslot_writer_close(h);
        ms_fail(MAILSLOT_E_NOMEM, "out of memory");
        return NULL;
    }
    ms_mutex_init(&self->mu);
    ms_cond_init(&self->idle);
    self->h = h;
    return self;
}

static int ms_writer_is_closed(Writer *self)
{
    int closed;
    if (self == NULL)
        return 1;
    ms_lock(&self->mu);
    closed = self->h == NULL;
    ms_unlock(&self->mu);
    return closed;
}

static void ms_writer_close(Writer *self)
{
    mailslot_writer *h;
    if (self == NULL)
        return;
    ms_lock(&self->mu);
    h = self->h;
    self->h = NULL;
    while (h != NULL && self->busy > 0) /* writes never block: this ends soon */
        ms_cond_wait_ms(&self->idle, &self->mu, 2);
    ms_unlock(&self->mu);
    mailslot_writer_close(h);
}

static void ms_writer_delete(Writer *self)
{
    if (self == NULL)
        return;
    ms_writer_close(self);
    ms_cond_destroy(&self->idle);
    ms_mutex_destroy(&self->mu);
    free(self);
}

static void ms_writer_write(Writer *self, const unsigned char *data, size_t len)
{
    mailslot_writer *h;
    int rc;
    if (self == NULL) {
        ms_fail(MAILSLOT_E_INVALID, "no writer object");
        return;
    }
    ms_lock(&self->mu);
    h = self->h;
    if (h != NULL)
        self->busy++;
    ms_unlock(&self->mu);
    if (h == NULL) {
        ms_fail(MAILSLOT_E_CLOSED, "the writer is closed");
        return;
    }
    rc = mailslot_write(h, data, len);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    ms_lock(&self->mu);
    if (--self->busy == 0)
        ms_cond_broadcast(&self->idle);
    ms_unlock(&self->mu);
}

/* ---- module functions --------------------------------------------------- */

static char *ms_name_canonical(const char *name)
{
    size_t len = 0;
    char *buf = NULL;
    int rc = mailslot_name_canonical(name, NULL, 0, &len);
    if (rc == MAILSLOT_E_BUFFER) {
        buf = (char *)malloc(len + 1);
        rc = buf == NULL ? MAILSLOT_E_NOMEM : mailslot_name_canonical(name, buf, len + 1, &len);
    }
    if (rc != MAILSLOT_OK) {
        ms_fail(rc, NULL);
        free(buf);
        return NULL;
    }
    return buf;
}

/* Since 1.1: mailslot_query for one key, the value of key (an OPT_*, STAT_*
 * or INFO_* key that a reader reports to others) of the reader of a local
 * name in any process, waiting at most timeout_ms for the answer. */
static long long ms_query_int(const char *name, int key, int timeout_ms)
{
    int64_t value = 0;
    int rc = mailslot_query(name, &key, &value, 1, timeout_ms);
    if (rc != MAILSLOT_OK)
        ms_fail(rc, NULL);
    return (long long)value;
}
%}

/* ======================================================================== */
/* Language glue: how the error slot is raised, how bytes travel.           */
/* ======================================================================== */

/* The optional integers of the constructors (see ms_opt_int above): each
 * language's typemap for this one type turns its "nothing" into MS_UNSET. */
typedef long long ms_opt_int;

#if defined(SWIGPYTHON)
/* ---- Python: mailslot_swig.Error(code, message) ------------------------- */
%feature("kwargs");
%feature("autodoc", "0"); /* help() shows the argument names and defaults */
%feature("autodoc", "read(self, timeout_ms=USE_DEFAULT) -> bytes") Reader::read;
%feature("autodoc",
         "info(self) -> (max_message_size, next_size, message_count, read_timeout_ms)") Reader::info;
%feature("autodoc", "name(self) -> str") Reader::name;
%feature("autodoc", "name_canonical(name) -> str") ms_name_canonical;
%feature("autodoc", "query_int(name, key, timeout_ms) -> int") ms_query_int;
%feature("autodoc", "version_string() -> str") ms_version_string;
%feature("autodoc", "strerror(code) -> str") ms_strerror;
%feature("autodoc",
         "Reader(name, max_message_size=0, read_timeout_ms=WAIT_FOREVER, queue_limit=0, "
         "allow_any_user=0, network=None, port=None, domain=None, interface=None, keys=None, "
         "key_file=None, replay_window=None, time_window_ms=None, auth_migration=None, "
         "auth_log=None)") Reader::Reader;
%feature("autodoc",
         "Writer(name, network=None, port=None, ttl=None, domain=None, interface=None, keys=None, "
         "key_file=None, suite=None)") Writer::Writer;
%feature("autodoc", "get_int(self, key) -> int") Reader::get_int;
%{
static PyObject *ms_py_error_class = NULL;

static void ms_raise(void)
{
    PyObject *msg = PyUnicode_DecodeUTF8(ms_err_text, (Py_ssize_t)strlen(ms_err_text), "replace");
    PyObject *cls = ms_py_error_class != NULL ? ms_py_error_class : PyExc_RuntimeError;
    PyObject *args = msg != NULL ? Py_BuildValue("(iN)", ms_err_code, msg) : NULL;
    if (args != NULL) {
        PyErr_SetObject(cls, args);
        Py_DECREF(args);
    }
}
%}
#define MS_RAISE_ERROR                                                                         \
    ms_raise();                                                                                \
    SWIG_fail

/* Bytes in: anything with the buffer protocol (bytes, bytearray, memoryview).
 * The view stays held while the GIL is released around the call. */
%typemap(in) (const unsigned char *data, size_t len) (Py_buffer view) {
    if (PyUnicode_Check($input)) {
        PyErr_SetString(PyExc_TypeError, "a message is bytes, not str (encode it first)");
        SWIG_fail;
    }
    if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0)
        SWIG_fail;
    $1 = (unsigned char *)view.buf;
    $2 = (size_t)view.len;
}
%typemap(freearg) (const unsigned char *data, size_t len) {
    if (view$argnum.obj != NULL)
        PyBuffer_Release(&view$argnum);
}
%typemap(arginit) (const unsigned char *data, size_t len) "view$argnum.obj = NULL;"
%typemap(out) ms_bytes {
    $result = PyBytes_FromStringAndSize((const char *)ms_bytes_data($1), (Py_ssize_t)$1.len);
    ms_bytes_free($1.block);
}
%typemap(out) bool "$result = PyBool_FromLong($1);"
/* The optional integers (ms_opt_int): None (the default) leaves one to the
 * environment; any other int goes to the library, which checks its range. */
%typemap(in) ms_opt_int {
    if ($input == Py_None) {
        $1 = MS_UNSET;
    } else {
        long long v = PyLong_AsLongLong($input); /* TypeError, OverflowError */
        if (v == -1 && PyErr_Occurred())
            SWIG_fail;
        $1 = v == MS_UNSET ? MS_UNSET + 1 : v; /* still out of range: E_INVALID */
    }
}

#elif defined(SWIGCSHARP)
/* ---- C#: MailslotException, TimeoutException, ObjectDisposedException ---- */
%include "arrays_csharp.i"
%apply unsigned char INPUT[] { const unsigned char *data }
/* SWIG 4.1 passes size_t as C# uint but declares the C side "unsigned long"
 * (64 bits on LP64): make both 32 bits (messages are at most 64 KiB). */
%typemap(ctype) size_t len "unsigned int"

%insert(runtime) %{
typedef void(SWIGSTDCALL *ms_cs_error_callback)(int code, const char *message);
static ms_cs_error_callback ms_cs_error = NULL;

SWIGEXPORT void SWIGSTDCALL MailslotCsharp_RegisterErrorCallback(ms_cs_error_callback cb)
{
    ms_cs_error = cb;
}
%}
%{
static void ms_raise(void)
{
    if (ms_cs_error != NULL)
        ms_cs_error(ms_err_code, ms_err_text);
}

/* Frees a message block or a string after C# copied it (TakeBytes, TakeUtf8). */
SWIGEXPORT void SWIGSTDCALL MailslotCsharp_FreeBytes(void *block)
{
    ms_bytes_free(block);
}

/* The library's log handler is a C# delegate of its own signature (cdecl;
 * Log.cs): fn, or NULL for stderr again. */
SWIGEXPORT int SWIGSTDCALL MailslotCsharp_SetLogHandler(mailslot_log_fn fn)
{
    return mailslot_set_log_handler(fn, NULL);
}
%}
#define MS_RAISE_ERROR                                                                         \
    ms_raise();                                                                                \
    return $null

%pragma(csharp) imclasscode=%{
  internal delegate void MailslotErrorDelegate(int code,
      [global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string message);

  [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="MailslotCsharp_RegisterErrorCallback")]
  private static extern void MailslotRegisterErrorCallback(MailslotErrorDelegate cb);

  [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="MailslotCsharp_FreeBytes")]
  private static extern void MailslotFreeBytes(global::System.IntPtr block);

  // Kept in a static field so that the delegate outlives every native call.
  private static readonly MailslotErrorDelegate mailslotErrorDelegate = SetPendingMailslotError;

  private static void SetPendingMailslotError(int code, string message) {
    SWIGPendingException.Set(MailslotException.FromCode(code, message));
  }

  internal class MailslotErrorHelper {
    static MailslotErrorHelper() { MailslotRegisterErrorCallback(mailslotErrorDelegate); }
  }

  // Registers the callback before the first native call of this class.
  internal static readonly MailslotErrorHelper mailslotErrorHelper = new MailslotErrorHelper();

  // mailslot_log_fn: void (*)(void *ctx, int level, const char *message), cdecl.
  [global::System.Runtime.InteropServices.UnmanagedFunctionPointer(global::System.Runtime.InteropServices.CallingConvention.Cdecl)]
  internal delegate void MailslotLogDelegate(global::System.IntPtr ctx, int level, global::System.IntPtr message);

  [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="MailslotCsharp_SetLogHandler")]
  private static extern int MailslotSetLogHandler(MailslotLogDelegate fn);

  // The one delegate the library is given: static, so it is never collected
  // while the library may call it (from any thread, at any time).
  private static readonly MailslotLogDelegate mailslotLogDelegate = OnMailslotLog;

  private static void OnMailslotLog(global::System.IntPtr ctx, int level, global::System.IntPtr message) {
    Log.Dispatch(level, TakeUtf8(message, false));
  }

  // Log.Message's first handler routes the library's messages here; its last
  // one gives them back to stderr.
  internal static void RouteLog(bool on) {
    MailslotSetLogHandler(on ? mailslotLogDelegate : null);
  }

  // Decodes a NUL-terminated UTF-8 string; frees it if it was malloc'd for us.
  internal static string TakeUtf8(global::System.IntPtr text, bool free) {
    if (text == global::System.IntPtr.Zero) return null;
    try {
      int n = 0;
      while (global::System.Runtime.InteropServices.Marshal.ReadByte(text, n) != 0) n++;
      byte[] bytes = new byte[n];
      global::System.Runtime.InteropServices.Marshal.Copy(text, bytes, 0, n);
      return global::System.Text.Encoding.UTF8.GetString(bytes);
    } finally {
      if (free) MailslotFreeBytes(text);
    }
  }

  // Copies a message block (16-byte length header, then the bytes) and frees it.
  internal static byte[] TakeBytes(global::System.IntPtr block) {
    if (block == global::System.IntPtr.Zero) return null;
    try {
      long n = global::System.Runtime.InteropServices.Marshal.ReadInt64(block);
      byte[] data = new byte[n];
      if (n > 0)
        global::System.Runtime.InteropServices.Marshal.Copy(global::System.IntPtr.Add(block, 16), data, 0, (int)n);
      return data;
    } finally {
      MailslotFreeBytes(block);
    }
  }
%}

/* Strings are UTF-8 both ways on every platform (SWIG's default marshalling
 * is the ANSI code page on Windows). Returned malloc'd strings (name,
 * NameCanonical) are decoded and freed by C#; static ones only decoded. */
%typemap(ctype) char *, const char * "char *"
%typemap(imtype, out="global::System.IntPtr",
         inattributes="[global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)]")
    char *, const char * "string"
%typemap(out) char *, const char * %{ $result = (char *)$1; %}
%typemap(csout, excode=SWIGEXCODE) char * {
    global::System.IntPtr text = $imcall;$excode
    return $imclassname.TakeUtf8(text, true);
  }
%typemap(csout, excode=SWIGEXCODE) const char * {
    global::System.IntPtr text = $imcall;$excode
    return $imclassname.TakeUtf8(text, false);
  }

%typemap(ctype) ms_bytes "void *"
%typemap(imtype) ms_bytes "global::System.IntPtr"
%typemap(cstype) ms_bytes "byte[]"
%typemap(out) ms_bytes %{ $result = $1.block; %}
%typemap(csout, excode=SWIGEXCODE) ms_bytes {
    global::System.IntPtr block = $imcall;$excode
    return $imclassname.TakeBytes(block);
  }

/* Dispose() closes (idempotent, safe while other threads are inside calls);
 * only the finalizer frees the native object, so a call racing with Dispose
 * meets a closed object, never freed memory. */
%define MS_CS_DISPOSE(TYPE)
%typemap(csdispose) TYPE %{
  ~$csclassname() {
    Dispose(false);
  }

  /// <summary>Closes the handle; calls after this throw ObjectDisposedException.</summary>
  public void Dispose() {
    Dispose(true);
  }
%}
%typemap(csdisposing, methodname="Dispose", methodmodifiers="protected", parameters="bool disposing") TYPE {
    if (disposing) {
      Close();
      return;
    }
    lock(this) {
      if (swigCPtr.Handle != global::System.IntPtr.Zero) {
        if (swigCMemOwn) {
          swigCMemOwn = false;
          $imcall;
        }
        swigCPtr = new global::System.Runtime.InteropServices.HandleRef(null, global::System.IntPtr.Zero);
      }
    }
  }
%enddef
MS_CS_DISPOSE(struct Reader)
MS_CS_DISPOSE(struct Writer)

/* C# names and shapes: the generated methods become internal, the public
 * surface below has C# conventions (camelCase parameters, optional arguments,
 * properties). */
%csconst(1);
%csmethodmodifiers Reader::Reader "internal";
%csmethodmodifiers Reader::read "internal";
%csmethodmodifiers Reader::info "internal";
%csmethodmodifiers Reader::set_read_timeout "internal";
%csmethodmodifiers Reader::name "internal";
%csmethodmodifiers Reader::closed "internal";
%csmethodmodifiers Reader::get_int "internal";
%csmethodmodifiers Writer::Writer "internal";
%csmethodmodifiers Writer::write "internal";
%csmethodmodifiers Writer::closed "internal";
%rename(ReadBytes) Reader::read;
%rename(InfoRaw) Reader::info;
%rename(SetReadTimeoutRaw) Reader::set_read_timeout;
%rename(GetIntRaw) Reader::get_int;
%rename(Fd) Reader::fd;
%rename(Interrupt) Reader::interrupt;
%rename(NameRaw) Reader::name;
%rename(Close) Reader::close;
%rename(IsClosedRaw) Reader::closed;
%rename(WriteBytes) Writer::write;
%rename(Close) Writer::close;
%rename(IsClosedRaw) Writer::closed;
%rename(Version) ms_version;
%rename(VersionString) ms_version_string;
%rename(StrError) ms_strerror;
%rename(NameCanonical) ms_name_canonical;
%rename(QueryInt) ms_query_int;

%typemap(cscode) struct Reader %{
  /// <summary>Creates a reader that owns a local name ("logger" or @"\\.\mailslot\logger").</summary>
  /// <param name="name">The mailslot name.</param>
  /// <param name="maxMessageSize">The largest message accepted, 1..65536; 0 for 64 KiB.</param>
  /// <param name="readTimeoutMs">The timeout of Read() without an argument; -1 waits forever.</param>
  /// <param name="queueLimit">How many messages may wait, 1..16777216; 0 for the default.</param>
  /// <param name="allowAnyUser">Accept writers of every local user.</param>
  /// <param name="network">Receive from the network (MAILSLOT_OPT_NETWORK); null: the
  /// environment (MAILSLOT_NETWORK) decides.</param>
  /// <param name="port">The UDP port, 1..65535; null: MAILSLOT_PORT or 17317.</param>
  /// <param name="domain">This host's domains, comma-separated; null: MAILSLOT_DOMAIN or
  /// "workgroup".</param>
  /// <param name="networkInterface">The multicast interface, by name or IPv4 address;
  /// null: MAILSLOT_INTERFACE or every interface.</param>
  /// <param name="keys">Network keys: the text of a key file (MAILSLOT_OPT_KEYS); with keys
  /// the reader accepts only network messages authenticated with one of them. null: keyFile,
  /// else MAILSLOT_KEY_FILE, else no keys.</param>
  /// <param name="keyFile">The path of a key file (MAILSLOT_OPT_KEY_FILE), readable by its
  /// owner only (chmod 600); not with keys.</param>
  /// <param name="replayWindow">Sequences remembered per sender, 64..1024 in steps of 64;
  /// null: MAILSLOT_REPLAY_WINDOW or 64.</param>
  /// <param name="timeWindowMs">How far a message's timestamp may be from this clock, in
  /// ms, 1000..86400000; null: MAILSLOT_TIME_WINDOW or 120000.</param>
  /// <param name="authMigration">Also accept messages without authentication (counted as
  /// AuthUnverified); null: MAILSLOT_AUTH_MIGRATION or false.</param>
  /// <param name="authLog">Log dropped messages to stderr (rate-limited); null:
  /// MAILSLOT_AUTH_LOG or true.</param>
  /// <exception cref="MailslotException">Code ErrorCode.Invalid for a value out of range, bad
  /// key text, or a build without libsodium; ErrorCode.Access for a key file that others can
  /// read; ErrorCode.NotFound for a missing key file.</exception>
  public Reader(string name, int maxMessageSize = 0, int readTimeoutMs = MailslotNative.WAIT_FOREVER,
                int queueLimit = 0, bool allowAnyUser = false, bool? network = null, int? port = null,
                string domain = null, string networkInterface = null, string keys = null,
                string keyFile = null, int? replayWindow = null, int? timeWindowMs = null,
                bool? authMigration = null, bool? authLog = null)
      : this(name, maxMessageSize, readTimeoutMs, queueLimit, allowAnyUser ? 1 : 0,
             OptionValue.Of(network), OptionValue.Of(port), domain, networkInterface, keys, keyFile,
             OptionValue.Of(replayWindow), OptionValue.Of(timeWindowMs),
             OptionValue.Of(authMigration), OptionValue.Of(authLog)) {
  }

  /// <summary>One of the reader's values in effect, wherever it came from (options,
  /// environment, defaults): MaxMessageSize, ReadTimeout, QueueLimit, AllowAnyUser,
  /// Network (0 or 1), Port, Keys or KeyFile (the number of keys), Suite, ReplayWindow,
  /// TimeWindow (ms), AuthMigration or AuthLog (0 or 1). Other keys (Ttl, Domain,
  /// Interface) throw MailslotException with code ErrorCode.Invalid.</summary>
  public long GetInt(OptionKey key) {
    return GetIntRaw((int)key);
  }

  /// <summary>A counter of network messages (a snapshot).</summary>
  public long GetInt(StatKey key) {
    return GetIntRaw((int)key);
  }

  /// <summary>Every counter of network messages at once (each a snapshot).</summary>
  public ReaderStats Stats() {
    // Each StatKey fills the ReaderStats property of its name (the C# test
    // checks that there is one for each counter of abi/constants.txt).
    object stats = new ReaderStats();
    foreach (StatKey key in global::System.Enum.GetValues(typeof(StatKey))) {
      typeof(ReaderStats).GetProperty(key.ToString()).SetValue(stats, GetInt(key), null);
    }
    return (ReaderStats)stats;
  }

  /// <summary>How many network keys the reader has (0: it accepts every network
  /// message, unauthenticated).</summary>
  public int KeyCount {
    get { return (int)GetInt(OptionKey.Keys); }
  }

  /// <summary>The suite in effect (1: signed, 2: signed and encrypted); readers accept
  /// both.</summary>
  public int Suite {
    get { return (int)GetInt(OptionKey.Suite); }
  }

  /// <summary>The replay window in effect: sequences remembered per sender.</summary>
  public int ReplayWindow {
    get { return (int)GetInt(OptionKey.ReplayWindow); }
  }

  /// <summary>The time window in effect, in milliseconds.</summary>
  public long TimeWindowMs {
    get { return GetInt(OptionKey.TimeWindow); }
  }

  /// <summary>True when messages without authentication are accepted too (migration).</summary>
  public bool AuthMigration {
    get { return GetInt(OptionKey.AuthMigration) != 0; }
  }

  /// <summary>True when dropped messages are logged to stderr.</summary>
  public bool AuthLog {
    get { return GetInt(OptionKey.AuthLog) != 0; }
  }

  /// <summary>How many messages may wait (the limit in effect).</summary>
  public int QueueLimit {
    get { return (int)GetInt(OptionKey.QueueLimit); }
  }

  /// <summary>True when writers of every local user are accepted.</summary>
  public bool AllowAnyUser {
    get { return GetInt(OptionKey.AllowAnyUser) != 0; }
  }

  /// <summary>True when this reader receives from the network (option or environment).</summary>
  public bool Network {
    get { return GetInt(OptionKey.Network) != 0; }
  }

  /// <summary>The UDP port in effect.</summary>
  public int Port {
    get { return (int)GetInt(OptionKey.Port); }
  }

  /// <summary>Reads one whole message. timeoutMs: 0 returns at once, N waits up to N ms,
  /// -1 waits forever; without it the reader's read timeout applies.</summary>
  /// <exception cref="MailslotTimeoutException">Nothing arrived in time (a TimeoutException).</exception>
  /// <exception cref="System.ObjectDisposedException">The reader is, or was meanwhile, closed.</exception>
  public byte[] Read(int timeoutMs = MailslotNative.USE_DEFAULT) {
    return ReadBytes(timeoutMs);
  }

  /// <summary>Reads one message and decodes it as UTF-8.</summary>
  public string ReadString(int timeoutMs = MailslotNative.USE_DEFAULT) {
    return global::System.Text.Encoding.UTF8.GetString(ReadBytes(timeoutMs));
  }

  /// <summary>The reader's state now (a snapshot).</summary>
  public ReaderInfo Info() {
    uint maxMessageSize, nextSize, messageCount;
    int readTimeoutMs;
    InfoRaw(out maxMessageSize, out nextSize, out messageCount, out readTimeoutMs);
    return new ReaderInfo(maxMessageSize, nextSize, messageCount, readTimeoutMs);
  }

  /// <summary>Sets the timeout of Read() without an argument (>= 0, or -1 for ever).</summary>
  public void SetReadTimeout(int timeoutMs) {
    SetReadTimeoutRaw(timeoutMs);
  }

  /// <summary>The canonical name, e.g. \\.\mailslot\logger.</summary>
  public string Name {
    get { return NameRaw(); }
  }

  /// <summary>True once Close or Dispose ran.</summary>
  public bool IsClosed {
    get { return IsClosedRaw(); }
  }
%}

%typemap(cscode) struct Writer %{
  /// <summary>Opens a writer for a name: a local one (a reader must exist), "*", a host or
  /// a domain (@"\\*\mailslot\logger").</summary>
  /// <param name="name">The mailslot name.</param>
  /// <param name="network">Use the network (MAILSLOT_OPT_NETWORK); false keeps to this host,
  /// and names beyond it throw MailslotException with ErrorCode.Network. null: the
  /// environment (MAILSLOT_NETWORK) decides.</param>
  /// <param name="port">The UDP port, 1..65535; null: MAILSLOT_PORT or 17317.</param>
  /// <param name="ttl">The multicast TTL, 1..255; null: MAILSLOT_TTL or 1.</param>
  /// <param name="domain">This host's domains, comma-separated; null: MAILSLOT_DOMAIN or
  /// "workgroup".</param>
  /// <param name="networkInterface">The multicast interface, by name or IPv4 address;
  /// null: MAILSLOT_INTERFACE or every interface.</param>
  /// <param name="keys">Network keys: the text of a key file (MAILSLOT_OPT_KEYS); with keys
  /// every network message is signed (or signed and encrypted). null: keyFile, else
  /// MAILSLOT_KEY_FILE, else no keys.</param>
  /// <param name="keyFile">The path of a key file (MAILSLOT_OPT_KEY_FILE), readable by its
  /// owner only (chmod 600); not with keys.</param>
  /// <param name="suite">1 signs, 2 signs and encrypts; null: MAILSLOT_SUITE or 1.</param>
  /// <exception cref="MailslotException">Code ErrorCode.NotFound (a local name nobody reads,
  /// or a missing key file), ErrorCode.Network, ErrorCode.Invalid (a value out of range, bad
  /// key text), ErrorCode.Access (a key file that others can read), ...</exception>
  public Writer(string name, bool? network = null, int? port = null, int? ttl = null,
                string domain = null, string networkInterface = null, string keys = null,
                string keyFile = null, int? suite = null)
      : this(name, OptionValue.Of(network), OptionValue.Of(port), OptionValue.Of(ttl), domain,
             networkInterface, keys, keyFile, OptionValue.Of(suite)) {
  }

  /// <summary>Sends one message (may be empty).</summary>
  public void Write(byte[] data) {
    if (data == null) throw new global::System.ArgumentNullException("data");
    WriteBytes(data, (uint)data.Length);
  }

  /// <summary>Sends a string as one UTF-8 message.</summary>
  public void Write(string text) {
    if (text == null) throw new global::System.ArgumentNullException("text");
    Write(global::System.Text.Encoding.UTF8.GetBytes(text));
  }

  /// <summary>True once Close or Dispose ran.</summary>
  public bool IsClosed {
    get { return IsClosedRaw(); }
  }
%}
%include "typemaps.i"
%apply unsigned int *OUTPUT { unsigned int *max_message_size, unsigned int *next_size,
                              unsigned int *message_count };
%apply int *OUTPUT { int *read_timeout_ms };

#elif defined(SWIGLUA)
/* ---- Lua: error objects {code=, message=}; read's timeout is nil, msg, code */
%{
static int ms_lua_error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "code");
    lua_pushfstring(L, "mailslot: %s (code %d)", lua_tostring(L, -2), (int)lua_tointeger(L, -1));
    return 1;
}

/* Pushes {code=..., message=...} with the shared metatable "mailslot.Error". */
static void ms_lua_push_error(lua_State *L)
{
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, ms_err_code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, ms_err_text);
    lua_setfield(L, -2, "message");
    if (luaL_newmetatable(L, "mailslot.Error")) {
        lua_pushcfunction(L, ms_lua_error_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_setmetatable(L, -2);
}
%}
#define MS_RAISE_ERROR                                                                         \
    ms_lua_push_error(L);                                                                      \
    SWIG_fail

%typemap(in, checkfn="lua_isstring") (const unsigned char *data, size_t len) {
    $1 = (unsigned char *)lua_tolstring(L, $input, &$2);
}
%typemap(out) ms_bytes {
    lua_pushlstring(L, (const char *)ms_bytes_data($1), $1.len);
    ms_bytes_free($1.block);
    SWIG_arg++;
}
/* Numbers are Lua integers: 1.5 is refused rather than truncated, and results
 * are integers (SWIG's defaults push floats: 65536.0). */
%typemap(in, checkfn="lua_isnumber") int {
    lua_Integer v = luaL_checkinteger(L, $input);
    luaL_argcheck(L, v >= INT_MIN && v <= INT_MAX, $input, "out of range");
    $1 = (int)v;
}
%typemap(out) int, unsigned int, long long "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
/* The optional integers (ms_opt_int): nil leaves one to the environment; an
 * integer goes to the library, which checks its range. */
%{
static int ms_lua_isnil_or_number(lua_State *L, int idx)
{
    return lua_isnil(L, idx) || lua_isnumber(L, idx);
}
%}
%typemap(in, checkfn="ms_lua_isnil_or_number") ms_opt_int {
    if (lua_isnil(L, $input)) {
        $1 = MS_UNSET;
    } else {
        lua_Integer v = luaL_checkinteger(L, $input);
        $1 = v == MS_UNSET ? MS_UNSET + 1 : (long long)v; /* still out of range: E_INVALID */
    }
}
%typemap(in, numinputs=0) unsigned int *max_message_size (unsigned int temp),
                          unsigned int *next_size (unsigned int temp),
                          unsigned int *message_count (unsigned int temp),
                          int *read_timeout_ms (int temp) "$1 = &temp;"
%typemap(argout) unsigned int *max_message_size, unsigned int *next_size,
                 unsigned int *message_count, int *read_timeout_ms
    "lua_pushinteger(L, (lua_Integer)*$1); SWIG_arg++;"

/* A read that times out returns nil, message, code (an expected outcome in
 * Lua); every other failure raises the error object. */
%exception Reader::read {
    ms_err_code = 0;
    $action
    if (ms_err_code == MAILSLOT_E_TIMEOUT) {
        lua_pushnil(L);
        lua_pushstring(L, ms_err_text);
        lua_pushinteger(L, ms_err_code);
        return 3;
    }
    if (ms_err_code != 0) {
        MS_RAISE_ERROR;
    }
}

/* The library's log messages (mailslot_set_log_handler) to a Lua function:
 * mailslot.set_log_handler(fn) (fn(level, message); nil: stderr again) and
 * mailslot.dispatch_log(). A Lua state must only be used by its own thread,
 * and the library logs from its I/O thread too: so the library's handler only
 * copies each message into a bounded queue here, and dispatch_log() calls fn
 * for the queued messages, in the calling (Lua) thread. Messages beyond the
 * queue are counted, and told of as one more WARNING message. The queue and
 * the handler are the process's: one Lua state per process should set it. */
%{
#define MS_LUA_LOG_QUEUE 64

typedef struct ms_lua_log_line {
    int level;
    char *text; /* malloc'd */
} ms_lua_log_line;

static ms_mutex ms_lua_log_mu = MS_MUTEX_INIT;
static ms_lua_log_line ms_lua_log_queue[MS_LUA_LOG_QUEUE];
static unsigned ms_lua_log_head, ms_lua_log_count;
static unsigned long ms_lua_log_lost; /* messages the full queue refused */
static const char ms_lua_log_key = 0;  /* its address: the registry slot of fn */

static char *ms_lua_log_copy(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = (char *)malloc(n);
    if (copy != NULL)
        memcpy(copy, text, n);
    return copy;
}

/* The library's handler, on any thread: never touches a Lua state. */
static void MAILSLOT_CALL ms_lua_log_push(void *ctx, int level, const char *message)
{
    char *copy = ms_lua_log_copy(message);
    (void)ctx;
    ms_lock(&ms_lua_log_mu);
    if (copy == NULL || ms_lua_log_count == MS_LUA_LOG_QUEUE) {
        ms_lua_log_lost++;
        free(copy);
    } else {
        ms_lua_log_line *l =
            &ms_lua_log_queue[(ms_lua_log_head + ms_lua_log_count++) % MS_LUA_LOG_QUEUE];
        l->level = level;
        l->text = copy;
    }
    ms_unlock(&ms_lua_log_mu);
}

/* The oldest queued message into *out (the caller frees its text): 1, or 0
 * when none waits. Lost messages are told once the queue is empty. */
static int ms_lua_log_pop(ms_lua_log_line *out)
{
    int got = 1;
    ms_lock(&ms_lua_log_mu);
    if (ms_lua_log_count > 0) {
        *out = ms_lua_log_queue[ms_lua_log_head];
        ms_lua_log_head = (ms_lua_log_head + 1) % MS_LUA_LOG_QUEUE;
        ms_lua_log_count--;
    } else if (ms_lua_log_lost > 0) {
        char text[160];
        snprintf(text, sizeof text,
                 "%lu log messages were lost: more than %d waited for mailslot.dispatch_log()",
                 ms_lua_log_lost, MS_LUA_LOG_QUEUE);
        out->level = MAILSLOT_LOG_WARNING;
        out->text = ms_lua_log_copy(text);
        ms_lua_log_lost = 0;
        got = out->text != NULL;
    } else {
        got = 0;
    }
    ms_unlock(&ms_lua_log_mu);
    return got;
}

static int ms_lua_set_log_handler(lua_State *L)
{
    ms_lua_log_line line;
    int on = !lua_isnoneornil(L, 1);
    if (on)
        luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ms_lua_log_key);
    mailslot_set_log_handler(on ? ms_lua_log_push : NULL, NULL);
    while (!on && ms_lua_log_pop(&line)) /* nobody will take them now */
        free(line.text);
    return 0;
}

/* Calls the handler for each queued message, oldest first; returns how many.
 * An error of the handler propagates, and the messages after it stay queued. */
static int ms_lua_dispatch_log(lua_State *L)
{
    lua_Integer n = 0;
    ms_lua_log_line line;
    while (ms_lua_log_pop(&line)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &ms_lua_log_key);
        lua_pushinteger(L, line.level);
        lua_pushstring(L, line.text);
        free(line.text);
        if (lua_isfunction(L, -3)) {
            lua_call(L, 2, 0);
            n++;
        } else {
            lua_pop(L, 3);
        }
    }
    lua_pushinteger(L, n);
    return 1;
}
%}
%native(set_log_handler) int ms_lua_set_log_handler(lua_State *L);
%native(dispatch_log) int ms_lua_dispatch_log(lua_State *L);
#endif

#if defined(SWIGPYTHON)
%include "typemaps.i"
%apply unsigned int *OUTPUT { unsigned int *max_message_size, unsigned int *next_size,
                              unsigned int *message_count };
%apply int *OUTPUT { int *read_timeout_ms };
%feature("pythonappend") Reader::info "val = tuple(val)"
%nothread ms_set_error_class;
%exception ms_set_error_class "$action"
%inline %{
/* Internal: the Python module hands its Error class to the C side. */
static void ms_set_error_class(PyObject *cls)
{
    Py_XINCREF(cls);
    Py_XDECREF(ms_py_error_class);
    ms_py_error_class = cls;
}
%}

/* The library's log messages (mailslot_set_log_handler) to a Python callable
 * fn(level, message): set_log_callback(fn), or None for stderr again. The
 * library may call from its own I/O thread, so the trampoline takes the GIL;
 * the callable is read and swapped only under the GIL. */
%{
static PyObject *ms_py_log_callable = NULL;

static void MAILSLOT_CALL ms_py_log(void *ctx, int level, const char *message)
{
    PyGILState_STATE gil;
    PyObject *fn, *text, *result = NULL;
    (void)ctx;
    if (!Py_IsInitialized())
        return; /* the interpreter is gone: nobody to tell */
    gil = PyGILState_Ensure();
    fn = ms_py_log_callable;
    if (fn != NULL) {
        Py_INCREF(fn); /* a swap in the call must not free it under us */
        text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
        if (text != NULL)
            result = PyObject_CallFunction(fn, "iO", level, text);
        if (result == NULL)
            PyErr_WriteUnraisable(fn); /* no caller to raise to */
        Py_XDECREF(result);
        Py_XDECREF(text);
        Py_DECREF(fn);
    }
    PyGILState_Release(gil);
}
%}
%nothread ms_set_log_callback;
%exception ms_set_log_callback "$action"
%rename(set_log_callback) ms_set_log_callback;
%feature("autodoc", "set_log_callback(fn) -- fn(level, message), or None for stderr") ms_set_log_callback;
%inline %{
static void ms_set_log_callback(PyObject *fn)
{
    PyObject *old = ms_py_log_callable;
    if (fn == Py_None)
        fn = NULL;
    Py_XINCREF(fn);
    ms_py_log_callable = fn;
    mailslot_set_log_handler(fn != NULL ? ms_py_log : NULL, NULL);
    Py_XDECREF(old);
}
%}
#endif

/* ======================================================================== */
/* The one mapping from the error slot to an exception.                     */
/* ======================================================================== */

%exception {
    ms_err_code = 0;
    $action
    if (ms_err_code != 0) {
        MS_RAISE_ERROR;
    }
}

/* ======================================================================== */
/* What is wrapped.                                                         */
/* ======================================================================== */

/* Every constant of the header, named without its MAILSLOT_ prefix: OK and
 * E_*, WAIT_FOREVER, USE_DEFAULT, NO_MESSAGE, MAX_*_MESSAGE, the option keys
 * OPT_* (Reader.get_int reads OPT_MAX_MESSAGE_SIZE .. OPT_PORT and OPT_KEYS ..
 * OPT_AUTH_LOG, OPT_KEYS and OPT_KEY_FILE as the number of keys; TTL, DOMAIN
 * and INTERFACE are constructor arguments only), the counters STAT_*
 * (Reader.get_int) and the log levels LOG_* (set_log_callback, Log.Message,
 * set_log_handler). SWIG takes them, with their values, from mailslot.h,
 * which tests/abi keeps equal to abi/constants.txt: a constant added there
 * reaches every language without an edit here. Nothing else of the header is
 * wrapped (the classes below are): not its functions, not the version
 * macros (version() is the loaded library's). */
%rename("%(strip:[MAILSLOT_])s", %$isconstant) "";
%rename("$ignore", regextarget=1, %$isfunction) "^mailslot_";
%ignore MAILSLOT_VERSION_MAJOR;
%ignore MAILSLOT_VERSION_MINOR;
%ignore MAILSLOT_VERSION_PATCH;
%ignore MAILSLOT_VERSION_NUMBER;
%include "mailslot.h"

#if !defined(SWIGCSHARP)
%rename(version) ms_version;
%rename(version_string) ms_version_string;
%rename(strerror) ms_strerror;
%rename(name_canonical) ms_name_canonical;
%rename(query_int) ms_query_int;
#endif

#if !defined(SWIGCSHARP) /* C# frees returned strings itself (TakeUtf8) */
%newobject ms_name_canonical;
%newobject Reader::name;
%typemap(newfree) char * "free($1);";
#endif
/* The canonical form of a name; raises E_NAME for an invalid one. */
char *ms_name_canonical(const char *name);
/* Since 1.1: query_int(name, key, timeout_ms) -> int (C#: QueryInt), one value
 * of the reader of a local name in any process (mailslot_query). */
long long ms_query_int(const char *name, int key, int timeout_ms);
%inline %{
/* The library's version as MAJOR*10000 + MINOR*100 + PATCH. */
static int ms_version(void)
{
    return mailslot_version();
}
/* The library's version as text, e.g. "1.0.0". */
static const char *ms_version_string(void)
{
    return mailslot_version_string();
}
/* The generic text of an error code. */
static const char *ms_strerror(int code)
{
    return mailslot_strerror(code);
}
%}

typedef struct Reader {
} Reader;
typedef struct Writer {
} Writer;

%extend Reader {
    Reader(const char *name, int max_message_size = 0, int read_timeout_ms = MAILSLOT_WAIT_FOREVER,
           int queue_limit = 0, int allow_any_user = 0, ms_opt_int network = MS_UNSET,
           ms_opt_int port = MS_UNSET, const char *domain = NULL, const char *interface = NULL,
           const char *keys = NULL, const char *key_file = NULL,
           ms_opt_int replay_window = MS_UNSET, ms_opt_int time_window_ms = MS_UNSET,
           ms_opt_int auth_migration = MS_UNSET, ms_opt_int auth_log = MS_UNSET)
    {
        ms_net_args net = {network,  port,     MS_UNSET,      domain,         interface,
                           keys,     key_file, MS_UNSET,      replay_window,  time_window_ms,
                           auth_migration, auth_log};
        return ms_reader_new(name, max_message_size, read_timeout_ms, queue_limit, allow_any_user,
                             &net);
    }
    ~Reader()
    {
        ms_reader_delete($self);
    }
    ms_bytes read(int timeout_ms = MAILSLOT_USE_DEFAULT)
    {
        return ms_reader_read($self, timeout_ms);
    }
    void info(unsigned int *max_message_size, unsigned int *next_size, unsigned int *message_count,
              int *read_timeout_ms)
    {
        ms_reader_info($self, max_message_size, next_size, message_count, read_timeout_ms);
    }
    void set_read_timeout(int timeout_ms)
    {
        ms_reader_set_read_timeout($self, timeout_ms);
    }
    long long get_int(int key)
    {
        return ms_reader_get_int($self, key);
    }
    long long fd()
    {
        return ms_reader_fd($self);
    }
    void interrupt()
    {
        ms_reader_interrupt($self);
    }
    char *name()
    {
        return ms_reader_name($self);
    }
    void close()
    {
        ms_reader_close($self);
    }
    bool closed()
    {
        return ms_reader_is_closed($self) != 0;
    }
}

%extend Writer {
    Writer(const char *name, ms_opt_int network = MS_UNSET, ms_opt_int port = MS_UNSET,
           ms_opt_int ttl = MS_UNSET, const char *domain = NULL, const char *interface = NULL,
           const char *keys = NULL, const char *key_file = NULL, ms_opt_int suite = MS_UNSET)
    {
        ms_net_args net = {network, port,     ttl,   domain,   interface, keys,    key_file,
                           suite,   MS_UNSET, MS_UNSET, MS_UNSET, MS_UNSET};
        return ms_writer_new(name, &net);
    }
    ~Writer()
    {
        ms_writer_delete($self);
    }
    void write(const unsigned char *data, size_t len)
    {
        ms_writer_write($self, data, len);
    }
    void close()
    {
        ms_writer_close($self);
    }
    bool closed()
    {
        return ms_writer_is_closed($self) != 0;
    }
}

#if defined(SWIGPYTHON)
%pythoncode %{
class Error(Exception):
    """A libmailslot failure: ``code`` is a negative E_* number, ``message``
    the library's sentence about it."""

    def __init__(self, code, message=""):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self):
        return "%s (code %d)" % (self.message, self.code)


_mailslot_swig.ms_set_error_class(Error)
del ms_set_error_class
%}
#endif

#if defined(SWIGLUA)
/* Runs when the module loads: Lua-style constructor options, to-be-closed
 * variables, and no global (require "mailslot" returns the module). */
%luacode {
  local M = mailslot
  mailslot = nil

  -- local r <close> = mailslot.Reader(...) closes r when the scope ends;
  -- __gc (from SWIG) frees it when it is collected.
  for _, class in ipairs({ M.Reader, M.Writer }) do
    getmetatable(class)[".instance"].__close = function(self) self:close() end
  end

  -- Checks an options table: a table (or nil) with known keys only.
  local function options_of(what, options, known)
    if options == nil then
      return {}
    end
    if type(options) ~= "table" then
      error("mailslot." .. what .. ": options must be a table", 3)
    end
    for key in pairs(options) do
      if not known[key] then
        error("mailslot." .. what .. ": unknown option " .. tostring(key), 3)
      end
    end
    return options
  end

  -- network, auth_migration, auth_log: a boolean (or 0/1, passed on for the
  -- library to check); nil leaves it, like every network option, to the
  -- environment.
  local function flag(value)
    if value == true then
      return 1
    elseif value == false then
      return 0
    end
    return value
  end

  -- domain: "a,b" or { "a", "b" }.
  local function domains(value)
    if type(value) == "table" then
      return table.concat(value, ",")
    end
    return value
  end

  -- mailslot.Reader(name [, options]) with options a table of
  -- max_message_size, read_timeout_ms, queue_limit, allow_any_user (boolean),
  -- network (boolean), port, domain (string or list), interface, and the
  -- network keys: keys (key file text) or key_file (a path), replay_window,
  -- time_window_ms, auth_migration (boolean), auth_log (boolean).
  local reader_class = getmetatable(M.Reader)
  local new_reader = reader_class.__call
  local reader_known = { max_message_size = true, read_timeout_ms = true, queue_limit = true,
                         allow_any_user = true, network = true, port = true, domain = true,
                         interface = true, keys = true, key_file = true, replay_window = true,
                         time_window_ms = true, auth_migration = true, auth_log = true }
  reader_class.__call = function(class, name, options)
    if options == nil then
      return new_reader(class, name)
    end
    local o = options_of("Reader", options, reader_known)
    return new_reader(class, name, o.max_message_size or 0, o.read_timeout_ms or M.WAIT_FOREVER,
                      o.queue_limit or 0, o.allow_any_user and 1 or 0, flag(o.network), o.port,
                      domains(o.domain), o.interface, o.keys, o.key_file, o.replay_window,
                      o.time_window_ms, flag(o.auth_migration), flag(o.auth_log))
  end

  -- mailslot.Writer(name [, options]) with options a table of network
  -- (boolean), port, ttl, domain (string or list), interface, keys or
  -- key_file, suite (1 signs, 2 signs and encrypts).
  local writer_class = getmetatable(M.Writer)
  local new_writer = writer_class.__call
  local writer_known = { network = true, port = true, ttl = true, domain = true, interface = true,
                         keys = true, key_file = true, suite = true }
  writer_class.__call = function(class, name, options)
    if options == nil then
      return new_writer(class, name)
    end
    local o = options_of("Writer", options, writer_known)
    return new_writer(class, name, flag(o.network), o.port, o.ttl, domains(o.domain), o.interface,
                      o.keys, o.key_file, o.suite)
  end

  -- r:stats() -> a table of every counter of the header (M.STAT_*), each a
  -- snapshot, named as `mailslot stats` prints it (STAT_NET_RECEIVED:
  -- net_received).
  local stat_keys = {}
  for name, key in pairs(M) do
    local counter = type(name) == "string" and name:match("^STAT_(.+)$")
    if counter then
      stat_keys[counter:lower()] = key
    end
  end
  getmetatable(M.Reader)[".instance"][".fn"].stats = function(self)
    local stats = {}
    for field, key in pairs(stat_keys) do
      stats[field] = self:get_int(key)
    end
    return stats
  end

  -- r:settings() -> a table of the settings of the reader in effect, wherever they
  -- came from (options, environment, defaults); keys is the number of keys.
  local setting_keys = {
    max_message_size = M.OPT_MAX_MESSAGE_SIZE, read_timeout_ms = M.OPT_READ_TIMEOUT,
    queue_limit = M.OPT_QUEUE_LIMIT, port = M.OPT_PORT, keys = M.OPT_KEYS, suite = M.OPT_SUITE,
    replay_window = M.OPT_REPLAY_WINDOW, time_window_ms = M.OPT_TIME_WINDOW,
  }
  local setting_flags = {
    allow_any_user = M.OPT_ALLOW_ANY_USER, network = M.OPT_NETWORK,
    auth_migration = M.OPT_AUTH_MIGRATION, auth_log = M.OPT_AUTH_LOG,
  }
  getmetatable(M.Reader)[".instance"][".fn"].settings = function(self)
    local settings = {}
    for field, key in pairs(setting_keys) do
      settings[field] = self:get_int(key)
    end
    for field, key in pairs(setting_flags) do
      settings[field] = self:get_int(key) ~= 0
    end
    return settings
  end
}
#endif
