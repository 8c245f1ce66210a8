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
 * plus version(), version_string(), strerror(code), name_canonical(name) and the
 * E_* / OPT_* / STAT_* / WAIT_FOREVER / USE_DEFAULT / NO_MESSAGE / MAX_*_MESSAGE
 * constants. The network options (MAILSLOT_OPT_NETWORK .. _INTERFACE) and the
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
 * object {code=, message=}). Only the language-specific glue sits in the
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
#include "shim.h"

/* What the glue below uses itself. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
%}

/* ======================================================================== */
/* Language glue: how the error slot is raised, how bytes travel.           */
/* ======================================================================== */

/* The optional integers of the constructors (shim_opt_int, shim.h): each
 * language's typemap for this one type turns its "nothing" into SHIM_UNSET. */
typedef long long shim_opt_int;

#if defined(SWIGPYTHON)
/* ---- Python: mailslot_swig.Error(code, message) ------------------------- */
%feature("kwargs");
%feature("autodoc", "0"); /* help() shows the argument names and defaults */
%feature("autodoc", "read(self, timeout_ms=USE_DEFAULT) -> bytes") Reader::read;
%feature("autodoc",
         "info(self) -> (max_message_size, next_size, message_count, read_timeout_ms)") Reader::info;
%feature("autodoc", "name(self) -> str") Reader::name;
%feature("autodoc", "name_canonical(name) -> str") shim_name_canonical;
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
    const char *text = shim_error_text();
    PyObject *msg = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    PyObject *cls = ms_py_error_class != NULL ? ms_py_error_class : PyExc_RuntimeError;
    PyObject *args = msg != NULL ? Py_BuildValue("(iN)", shim_error_code(), msg) : NULL;
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
%typemap(out) shim_bytes {
    $result = PyBytes_FromStringAndSize((const char *)shim_bytes_data($1), (Py_ssize_t)$1.len);
    shim_bytes_free($1.block);
}
%typemap(out) bool "$result = PyBool_FromLong($1);"
/* The optional integers (shim_opt_int): None (the default) leaves one to the
 * environment; any other int goes to the library, which checks its range. */
%typemap(in) shim_opt_int {
    if ($input == Py_None) {
        $1 = SHIM_UNSET;
    } else {
        long long v = PyLong_AsLongLong($input); /* TypeError, OverflowError */
        if (v == -1 && PyErr_Occurred())
            SWIG_fail;
        $1 = v == SHIM_UNSET ? SHIM_UNSET + 1 : v; /* still out of range: E_INVALID */
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
        ms_cs_error(shim_error_code(), shim_error_text());
}

/* Frees a message block or a string after C# copied it (TakeBytes, TakeUtf8). */
SWIGEXPORT void SWIGSTDCALL MailslotCsharp_FreeBytes(void *block)
{
    shim_bytes_free(block);
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

%typemap(ctype) shim_bytes "void *"
%typemap(imtype) shim_bytes "global::System.IntPtr"
%typemap(cstype) shim_bytes "byte[]"
%typemap(out) shim_bytes %{ $result = $1.block; %}
%typemap(csout, excode=SWIGEXCODE) shim_bytes {
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
%rename(NameCanonical) shim_name_canonical;

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
    lua_pushinteger(L, shim_error_code());
    lua_setfield(L, -2, "code");
    lua_pushstring(L, shim_error_text());
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
%typemap(out) shim_bytes {
    lua_pushlstring(L, (const char *)shim_bytes_data($1), $1.len);
    shim_bytes_free($1.block);
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
/* The optional integers (shim_opt_int): nil leaves one to the environment; an
 * integer goes to the library, which checks its range. */
%{
static int ms_lua_isnil_or_number(lua_State *L, int idx)
{
    return lua_isnil(L, idx) || lua_isnumber(L, idx);
}
%}
%typemap(in, checkfn="ms_lua_isnil_or_number") shim_opt_int {
    if (lua_isnil(L, $input)) {
        $1 = SHIM_UNSET;
    } else {
        lua_Integer v = luaL_checkinteger(L, $input);
        $1 = v == SHIM_UNSET ? SHIM_UNSET + 1 : (long long)v; /* still out of range: E_INVALID */
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
    shim_error_clear();
    $action
    if (shim_error_code() == MAILSLOT_E_TIMEOUT) {
        lua_pushnil(L);
        lua_pushstring(L, shim_error_text());
        lua_pushinteger(L, shim_error_code());
        return 3;
    }
    if (shim_error_code() != 0) {
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
static const char ms_lua_log_key = 0; /* its address: the registry slot of fn */

static int ms_lua_set_log_handler(lua_State *L)
{
    shim_log_line line;
    int on = !lua_isnoneornil(L, 1);
    if (on)
        luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ms_lua_log_key);
    mailslot_set_log_handler(on ? shim_log_queue_push : NULL, NULL);
    while (!on && shim_log_queue_pop(&line)) /* nobody will take them now */
        free(line.text);
    return 0;
}

/* Calls the handler for each queued message, oldest first; returns how many.
 * An error of the handler propagates, and the messages after it stay queued. */
static int ms_lua_dispatch_log(lua_State *L)
{
    lua_Integer n = 0;
    shim_log_line line;
    while (shim_log_queue_pop(&line)) {
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
#endif

#if !defined(SWIGCSHARP) /* C# frees returned strings itself (TakeUtf8) */
%newobject shim_name_canonical;
%newobject Reader::name;
%typemap(newfree) char * "free($1);";
#endif
/* The canonical form of a name; raises E_NAME for an invalid one. */
char *shim_name_canonical(const char *name);
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
           int queue_limit = 0, int allow_any_user = 0, shim_opt_int network = SHIM_UNSET,
           shim_opt_int port = SHIM_UNSET, const char *domain = NULL, const char *interface = NULL,
           const char *keys = NULL, const char *key_file = NULL,
           shim_opt_int replay_window = SHIM_UNSET, shim_opt_int time_window_ms = SHIM_UNSET,
           shim_opt_int auth_migration = SHIM_UNSET, shim_opt_int auth_log = SHIM_UNSET)
    {
        shim_net_args net = {network,  port,     SHIM_UNSET,      domain,         interface,
                           keys,     key_file, SHIM_UNSET,      replay_window,  time_window_ms,
                           auth_migration, auth_log};
        return shim_reader_new(name, max_message_size, read_timeout_ms, queue_limit, allow_any_user,
                             &net);
    }
    ~Reader()
    {
        shim_reader_delete($self);
    }
    shim_bytes read(int timeout_ms = MAILSLOT_USE_DEFAULT)
    {
        return shim_reader_read($self, timeout_ms);
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
           const char *keys = NULL, const char *key_file = NULL, shim_opt_int suite = SHIM_UNSET)
    {
        shim_net_args net = {network, port,     ttl,   domain,   interface, keys,    key_file,
                           suite,   SHIM_UNSET, SHIM_UNSET, SHIM_UNSET, SHIM_UNSET};
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
