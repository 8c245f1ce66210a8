/* SPDX-License-Identifier: MIT */
/* csharp.i -- the C# module (namespace Mailslot): the glue of bindings/mailslot.i
 * for C# (how the error slot is raised, how bytes and strings travel, the
 * public surface with C# conventions), then the interface. */

%module MailslotNative

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
%rename(QueryInt) shim_query_int;

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
  /// <param name="legacy">Also receive the remote-mailslot datagrams of Windows hosts (legacy
  /// mode, MAILSLOT_OPT_LEGACY: UDP 138, no authentication); null: MAILSLOT_LEGACY or
  /// false.</param>
  /// <param name="netbiosName">This host's NetBIOS name in legacy mode, 1 to 15 ASCII
  /// characters; null: MAILSLOT_NETBIOS_NAME or the host name's first label.</param>
  /// <exception cref="MailslotException">Code ErrorCode.Invalid for a value out of range, bad
  /// key text, or a build without libsodium; ErrorCode.Access for a key file that others can
  /// read; ErrorCode.NotFound for a missing key file.</exception>
  public Reader(string name, int maxMessageSize = 0, int readTimeoutMs = MailslotNative.WAIT_FOREVER,
                int queueLimit = 0, bool allowAnyUser = false, bool? network = null, int? port = null,
                string domain = null, string networkInterface = null, string keys = null,
                string keyFile = null, int? replayWindow = null, int? timeWindowMs = null,
                bool? authMigration = null, bool? authLog = null, bool? legacy = null,
                string netbiosName = null)
      : this(name, maxMessageSize, readTimeoutMs, queueLimit, allowAnyUser ? 1 : 0,
             OptionValue.Of(network), OptionValue.Of(port), domain, networkInterface, keys, keyFile,
             OptionValue.Of(replayWindow), OptionValue.Of(timeWindowMs),
             OptionValue.Of(authMigration), OptionValue.Of(authLog), OptionValue.Of(legacy),
             netbiosName) {
  }

  /// <summary>The constructor of release 1.0, kept so that programs built against it run
  /// unchanged; new code calls the one above.</summary>
  public Reader(string name, int maxMessageSize, int readTimeoutMs, int queueLimit,
                bool allowAnyUser, bool? network, int? port, string domain,
                string networkInterface, string keys, string keyFile, int? replayWindow,
                int? timeWindowMs, bool? authMigration, bool? authLog)
      : this(name, maxMessageSize, readTimeoutMs, queueLimit, allowAnyUser, network, port, domain,
             networkInterface, keys, keyFile, replayWindow, timeWindowMs, authMigration, authLog,
             null, null) {
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

  /// <summary>True when legacy mode is on for this reader (option or environment).</summary>
  public bool Legacy {
    get { return GetInt(OptionKey.Legacy) != 0; }
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
  /// <param name="legacy">Send to other hosts in the remote-mailslot format of Windows hosts
  /// (legacy mode, MAILSLOT_OPT_LEGACY: at most 424 bytes, no keys); null: MAILSLOT_LEGACY or
  /// false.</param>
  /// <param name="netbiosName">This host's NetBIOS name in legacy mode, 1 to 15 ASCII
  /// characters; null: MAILSLOT_NETBIOS_NAME or the host name's first label.</param>
  /// <exception cref="MailslotException">Code ErrorCode.NotFound (a local name nobody reads,
  /// or a missing key file), ErrorCode.Network, ErrorCode.Invalid (a value out of range, bad
  /// key text), ErrorCode.Access (a key file that others can read), ...</exception>
  public Writer(string name, bool? network = null, int? port = null, int? ttl = null,
                string domain = null, string networkInterface = null, string keys = null,
                string keyFile = null, int? suite = null, bool? legacy = null,
                string netbiosName = null)
      : this(name, OptionValue.Of(network), OptionValue.Of(port), OptionValue.Of(ttl), domain,
             networkInterface, keys, keyFile, OptionValue.Of(suite), OptionValue.Of(legacy),
             netbiosName) {
  }

  /// <summary>The constructor of release 1.0, kept so that programs built against it run
  /// unchanged; new code calls the one above.</summary>
  public Writer(string name, bool? network, int? port, int? ttl, string domain,
                string networkInterface, string keys, string keyFile, int? suite)
      : this(name, network, port, ttl, domain, networkInterface, keys, keyFile, suite, null,
             null) {
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


%include "mailslot.i"
