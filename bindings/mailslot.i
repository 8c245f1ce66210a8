/* SPDX-License-Identifier: MIT */
/*
 * mailslot.i -- the SWIG interface of libmailslot common to Python, C# and Lua.
 *
 * The opaque handles become two classes:
 *
 *   Reader(name, max_message_size=0, read_timeout_ms=WAIT_FOREVER, queue_limit=0,
 *          allow_any_user=0, network=<unset>, port=<unset>, domain=NULL,
 *          interface=NULL, keys=NULL, key_file=NULL, replay_window=<unset>,
 *          time_window_ms=<unset>, auth_migration=<unset>, auth_log=<unset>,
 *          legacy=<unset>, netbios_name=NULL)
 *       read(timeout_ms=USE_DEFAULT) -> bytes   one whole message, any size
 *       info() -> (max_message_size, next_size, message_count, read_timeout_ms)
 *       get_int(key) -> int   an OPT_* value in effect or a STAT_* counter
 *       set_read_timeout(timeout_ms), fd() -> int, interrupt(), name() -> str,
 *       close(), closed() -> bool
 *   Writer(name, network=<unset>, port=<unset>, ttl=<unset>, domain=NULL,
 *          interface=NULL, keys=NULL, key_file=NULL, suite=<unset>, legacy=<unset>,
 *          netbios_name=NULL)
 *       write(bytes), close(), closed() -> bool
 *
 * plus version(), version_string(), strerror(code), name_canonical(name),
 * query_int(name, key, timeout_ms) -> int (since 1.1; mailslot_query) and the
 * E_* / OPT_* / STAT_* / WAIT_FOREVER / USE_DEFAULT / NO_MESSAGE / MAX_*_MESSAGE
 * constants. The network options (MAILSLOT_OPT_NETWORK .. _INTERFACE, _LEGACY,
 * _NETBIOS_NAME) and the
 * network keys (MAILSLOT_OPT_KEYS .. _AUTH_LOG) are set only when given:
 * <unset> (SHIM_UNSET, which each language spells as its own "nothing": None,
 * null, nil) and NULL leave them to the environment (MAILSLOT_NETWORK, ...,
 * MAILSLOT_KEY_FILE, ...) and the library's defaults. Every optional integer
 * is of type shim_opt_int, so that each language has one typemap for them.
 *
 * How it is built: a small C layer, the "shim" (bindings/swig/shim.c, whose
 * header shim.h says what it promises; compiled into every module and
 * unit-tested by tests/test_shim.c), wraps each library handle in a struct
 * with a lock, so that close() is idempotent and may run while other threads
 * are inside calls on the same object, and read() returns one whole message of
 * any size. Every shim function reports a failure with shim_fail(code, detail)
 * into a thread-local slot; ONE %exception below turns that slot into the
 * language's error (Python: mailslot_swig.Error(code, message); C#:
 * MailslotException, TimeoutException, ObjectDisposedException; Lua: an error
 * object {code=, message=}).
 *
 * This file is the interface common to every language. Each language's file
 * names the module, defines its glue (its typemaps, and MS_RAISE_ERROR, how
 * the error slot is raised) and then includes this one, which swig finds
 * through -I<bindings>:
 *   bindings/swig/python.i   mailslot_swig
 *   bindings/swig/csharp.i   MailslotNative (namespace Mailslot)
 *   bindings/swig/lua.i      mailslot
 */

/* The shim, before any language's glue (the runtime section precedes the
 * header section that %{ %} blocks go to). */
%runtime %{
#include "shim.h"

/* What the languages' glue uses itself. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
%}

/* The optional integers of the constructors (shim_opt_int, shim.h): each
 * language's typemap for this one type turns its "nothing" into SHIM_UNSET. */
typedef long long shim_opt_int;

/* ======================================================================== */
/* The one mapping from the error slot to an exception.                     */
/* ======================================================================== */

%exception {
    shim_error_clear();
    $action
    if (shim_error_code() != 0) {
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
%rename(name_canonical) shim_name_canonical;
%rename(query_int) shim_query_int;
#endif

#if !defined(SWIGCSHARP) /* C# frees returned strings itself (TakeUtf8) */
%newobject shim_name_canonical;
%newobject Reader::name;
%typemap(newfree) char * "free($1);";
#endif
/* The canonical form of a name; raises E_NAME for an invalid one. */
char *shim_name_canonical(const char *name);
/* Since 1.1: query_int(name, key, timeout_ms) -> int (C#: QueryInt), one value
 * of the reader of a local name in any process (mailslot_query). */
long long shim_query_int(const char *name, int key, int timeout_ms);
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

/* How read() reads: a language's glue may define MS_READ in its header block
 * before it includes this file (Python reads into a buffer of each thread:
 * python.i). */
%{
#ifndef MS_READ
#define MS_READ(self, timeout_ms) shim_reader_read((self), (timeout_ms))
#endif
%}

typedef struct Reader {
} Reader;
typedef struct Writer {
} Writer;

%extend Reader {
    Reader(const char *name, int max_message_size = 0, int read_timeout_ms = MAILSLOT_WAIT_FOREVER,
           int queue_limit = 0, int allow_any_user = 0, shim_opt_int network = SHIM_UNSET,
           shim_opt_int port = SHIM_UNSET, const char *domain = NULL, const char *interface = NULL,
           const char *keys = NULL, const char *key_file = NULL,
           shim_opt_int replay_window = SHIM_UNSET, shim_opt_int time_window_ms = SHIM_UNSET,
           shim_opt_int auth_migration = SHIM_UNSET, shim_opt_int auth_log = SHIM_UNSET,
           shim_opt_int legacy = SHIM_UNSET, const char *netbios_name = NULL)
    {
        shim_net_args net = {network,        port,     SHIM_UNSET, domain,       interface,
                           keys,           key_file, SHIM_UNSET, replay_window, time_window_ms,
                           auth_migration, auth_log, legacy,     netbios_name};
        return shim_reader_new(name, max_message_size, read_timeout_ms, queue_limit, allow_any_user,
                             &net);
    }
    ~Reader()
    {
        shim_reader_delete($self);
    }
    shim_bytes read(int timeout_ms = MAILSLOT_USE_DEFAULT)
    {
        return MS_READ($self, timeout_ms);
    }
    void info(unsigned int *max_message_size, unsigned int *next_size, unsigned int *message_count,
              int *read_timeout_ms)
    {
        shim_reader_info($self, max_message_size, next_size, message_count, read_timeout_ms);
    }
    void set_read_timeout(int timeout_ms)
    {
        shim_reader_set_read_timeout($self, timeout_ms);
    }
    long long get_int(int key)
    {
        return shim_reader_get_int($self, key);
    }
    long long fd()
    {
        return shim_reader_fd($self);
    }
    void interrupt()
    {
        shim_reader_interrupt($self);
    }
    char *name()
    {
        return shim_reader_name($self);
    }
    void close()
    {
        shim_reader_close($self);
    }
    bool closed()
    {
        return shim_reader_is_closed($self) != 0;
    }
}

%extend Writer {
    Writer(const char *name, shim_opt_int network = SHIM_UNSET, shim_opt_int port = SHIM_UNSET,
           shim_opt_int ttl = SHIM_UNSET, const char *domain = NULL, const char *interface = NULL,
           const char *keys = NULL, const char *key_file = NULL, shim_opt_int suite = SHIM_UNSET,
           shim_opt_int legacy = SHIM_UNSET, const char *netbios_name = NULL)
    {
        shim_net_args net = {network,    port,       ttl,        domain,     interface,
                           keys,       key_file,   suite,      SHIM_UNSET, SHIM_UNSET,
                           SHIM_UNSET, SHIM_UNSET, legacy,     netbios_name};
        return shim_writer_new(name, &net);
    }
    ~Writer()
    {
        shim_writer_delete($self);
    }
    void write(const unsigned char *data, size_t len)
    {
        shim_writer_write($self, data, len);
    }
    void close()
    {
        shim_writer_close($self);
    }
    bool closed()
    {
        return shim_writer_is_closed($self) != 0;
    }
}
