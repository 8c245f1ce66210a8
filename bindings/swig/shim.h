/* SPDX-License-Identifier: MIT */
/*
 * shim.h -- the C layer under the SWIG bindings (bindings/mailslot.i): what
 * every language's wrapper calls, compiled into each module from shim.c and
 * unit-tested on its own (tests/test_shim.c), without SWIG.
 *
 * It wraps each library handle in a struct with a lock, so that
 *  - close is idempotent, and any call on a closed object fails with
 *    MAILSLOT_E_CLOSED ("the reader is closed") instead of touching freed memory;
 *  - close may run while other threads are inside calls on the same object:
 *    it takes the handle away from new calls, wakes blocked reads (they fail
 *    with MAILSLOT_E_CLOSED), waits until no call is inside the library, and
 *    only then calls mailslot_reader_close -- the library forbids calls that
 *    start after close, and this is how the wrappers keep that rule;
 *  - the struct itself is freed only by shim_reader_delete/shim_writer_delete
 *    (each language's garbage collection), so close followed by collection is safe;
 *  - shim_reader_read sizes its buffer from mailslot_info's next_size (or takes
 *    the caller's, shim_reader_read_buf) and retries on MAILSLOT_E_BUFFER with the
 *    size the library returns, so callers never see MAILSLOT_E_BUFFER.
 *
 * Every function reports a failure with shim_fail(code, detail) into a
 * thread-local slot, which the wrapper's one %exception reads
 * (shim_error_code, shim_error_text) and turns into the language's error; it
 * clears the slot (shim_error_clear) before each call.
 */
#ifndef MAILSLOT_SWIG_SHIM_H
#define MAILSLOT_SWIG_SHIM_H

#if defined(_WIN32)
/* <windows.h> before mailslot.h, which then replaces the DWORD values that
 * <winbase.h> gives MAILSLOT_WAIT_FOREVER and MAILSLOT_NO_MESSAGE with its own. */
#include <windows.h>
/* <objbase.h> defines "interface" as "struct"; it is a parameter name in the wrappers. */
#ifdef interface
#undef interface
#endif
#endif
#include <mailslot.h>

#include <limits.h>
#include <stddef.h>

/* Thread-local storage: the shim's error slot, and buffers of a wrapper's own. */
#if defined(_MSC_VER)
#define shim_thread_local __declspec(thread)
#elif defined(_WIN32)
#define shim_thread_local _Thread_local /* MinGW-w64's GCC ignores __declspec(thread) */
#else
#define shim_thread_local __thread
#endif

/* The shim is linked into each language module: its functions are not part of
 * what the module exports. */
#if defined(__GNUC__) && !defined(_WIN32)
#define SHIM_API __attribute__((visibility("hidden")))
#else
#define SHIM_API
#endif

/* ---- the error slot ------------------------------------------------------ */

/* Records a failure in this thread's slot. detail NULL (or "") takes the
 * library's own sentence for this thread's last failure, else the generic text
 * of the code. */
SHIM_API void shim_fail(int code, const char *detail);
/* Empties this thread's slot (before a call). */
SHIM_API void shim_error_clear(void);
/* The code of the last failure recorded in this thread since shim_error_clear
 * (0: none), and its text. */
SHIM_API int shim_error_code(void);
SHIM_API const char *shim_error_text(void);

/* ---- byte buffers that leave the shim ------------------------------------ */

/* A message read by shim_reader_read: one malloc'd block holding a 16-byte
 * header (the length as uint64_t) and then the bytes, so that the C# side can
 * take the block as one pointer. Each language's "out" typemap copies the
 * bytes and frees the block with shim_bytes_free. block is NULL on failure. */
typedef struct shim_bytes {
    unsigned char *block;
    size_t len;
} shim_bytes;
#define SHIM_BYTES_HEADER 16
#define shim_bytes_data(b) ((b).block + SHIM_BYTES_HEADER)

SHIM_API void shim_bytes_free(void *block);

/* ---- options ------------------------------------------------------------- */

/* An optional integer option: SHIM_UNSET when not given (the environment
 * decides), else the value for the library to check. */
typedef long long shim_opt_int;
#define SHIM_UNSET LLONG_MIN

/* The options of one create/open call beyond the local ones, as given:
 * SHIM_UNSET and NULL are "not given". Readers ignore ttl and suite, writers
 * the reader's settings (replay_window .. auth_log); the wrappers pass
 * SHIM_UNSET for those. */
typedef struct shim_net_args {
    shim_opt_int network, port, ttl;
    const char *domain, *iface;
    const char *keys, *key_file; /* at most one of the two */
    shim_opt_int suite, replay_window, time_window_ms, auth_migration, auth_log;
    shim_opt_int legacy;      /* since 1.1: MAILSLOT_OPT_LEGACY */
    const char *netbios_name; /* since 1.1: MAILSLOT_OPT_NETBIOS_NAME */
} shim_net_args;

/* Sets the options that were given into o (the library checks each value: a
 * bad one fails with MAILSLOT_E_INVALID and a detail naming the option).
 * Returns MAILSLOT_OK or the first failure's code; does not record it. */
SHIM_API int shim_set_net_options(mailslot_options *o, const shim_net_args *a);

/* ---- Reader -------------------------------------------------------------- */

typedef struct Reader Reader;

/* A reader of name; 0 (max_message_size, queue_limit, allow_any_user) and
 * MAILSLOT_WAIT_FOREVER (read_timeout_ms) leave the library's defaults. NULL
 * with the error set on failure. */
SHIM_API Reader *shim_reader_new(const char *name, int max_message_size, int read_timeout_ms,
                                 int queue_limit, int allow_any_user, const shim_net_args *net);
/* Closes (see above) and frees; NULL is a no-op. */
SHIM_API void shim_reader_delete(Reader *self);
/* Idempotent; safe while other threads are inside calls on self. */
SHIM_API void shim_reader_close(Reader *self);
SHIM_API int shim_reader_is_closed(Reader *self);
/* One whole message of any size; {NULL, 0} and the error set on failure. */
SHIM_API shim_bytes shim_reader_read(Reader *self, int timeout_ms);
/* shim_reader_read into the caller's block buf (SHIM_BYTES_HEADER + buf_cap
 * bytes, e.g. one per thread) when the message fits: then out.block == buf,
 * which the caller does not free; a larger message comes in a block of its
 * own (out.block != buf: shim_bytes_free it). No mailslot_info, no malloc for
 * a message that fits. buf NULL: shim_reader_read. */
SHIM_API shim_bytes shim_reader_read_buf(Reader *self, int timeout_ms, unsigned char *buf,
                                         size_t buf_cap);
SHIM_API void shim_reader_info(Reader *self, unsigned int *max_message_size,
                               unsigned int *next_size, unsigned int *message_count,
                               int *read_timeout_ms);
SHIM_API void shim_reader_set_read_timeout(Reader *self, int timeout_ms);
/* mailslot_reader_get_int: an option in effect or a counter (STAT_*). */
SHIM_API long long shim_reader_get_int(Reader *self, int key);
SHIM_API long long shim_reader_fd(Reader *self);
SHIM_API void shim_reader_interrupt(Reader *self);
/* The canonical name as a malloc'd string (the caller frees), or NULL. */
SHIM_API char *shim_reader_name(Reader *self);

/* ---- Writer -------------------------------------------------------------- */

typedef struct Writer Writer;

SHIM_API Writer *shim_writer_new(const char *name, const shim_net_args *net);
SHIM_API void shim_writer_delete(Writer *self);
SHIM_API void shim_writer_close(Writer *self);
SHIM_API int shim_writer_is_closed(Writer *self);
SHIM_API void shim_writer_write(Writer *self, const unsigned char *data, size_t len);

/* ---- module functions ---------------------------------------------------- */

/* The canonical form of a name as a malloc'd string (the caller frees), or
 * NULL with MAILSLOT_E_NAME set for an invalid one. */
SHIM_API char *shim_name_canonical(const char *name);

/* Since 1.1: mailslot_query for one key, the value of key (an OPT_*, STAT_*
 * or INFO_* key that a reader reports to others) of the reader of a local
 * name in any process, waiting at most timeout_ms for the answer; 0 with the
 * error set when it fails. */
SHIM_API long long shim_query_int(const char *name, int key, int timeout_ms);

/* ---- a bounded queue of the library's log messages ----------------------- */

/* For a language whose interpreter may only be entered from its own thread
 * (Lua): shim_log_queue_push is the library's log handler (any thread); it only
 * copies each message into a queue of SHIM_LOG_QUEUE, and the language takes
 * them with shim_log_queue_pop in its own thread. Messages beyond the queue
 * are counted, and told of as one more MAILSLOT_LOG_WARNING message once the
 * queue is empty. The queue is the process's. */
#define SHIM_LOG_QUEUE 64

typedef struct shim_log_line {
    int level;
    char *text; /* malloc'd: the taker frees it */
} shim_log_line;

SHIM_API void MAILSLOT_CALL shim_log_queue_push(void *ctx, int level, const char *message);
/* The oldest queued message into *out: 1, or 0 when none waits. */
SHIM_API int shim_log_queue_pop(shim_log_line *out);

#endif
