// SPDX-License-Identifier: MIT
// MailslotTests.cs -- tests of the C# binding (namespace Mailslot).
// Run: mono MailslotTests.exe (Mailslot.dll.config and libmailslot_csharp.so.1
// next to Mailslot.dll, or the .so.1 on LD_LIBRARY_PATH). Prints "N passed, M failed"; exit code 1 if a test failed.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using Mailslot;

internal static class MailslotTests
{
    private static int passed;
    private static int failed;
    private static int counter;

    // Unique slot names: process id and a counter, so parallel runs never collide.
    private static string Unique(string tag)
    {
        return string.Format("cs-test-{0}-{1}-{2}", Process.GetCurrentProcess().Id,
                             Interlocked.Increment(ref counter), tag);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
            throw new Exception("check failed: " + what);
    }

    private static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new Exception(string.Format("{0}: expected {1}, got {2}", what, expected, actual));
    }

    private static TException Throws<TException>(Action action, string what)
        where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new Exception(string.Format("{0}: expected {1}, got {2}: {3}", what,
                                              typeof(TException).Name, e.GetType().Name, e.Message));
        }
        throw new Exception(string.Format("{0}: expected {1}, nothing thrown", what, typeof(TException).Name));
    }

    private static void Run(string name, Action test)
    {
        try
        {
            test();
            passed++;
        }
        catch (Exception e)
        {
            failed++;
            Console.Error.WriteLine("FAIL {0}: {1}", name, e);
        }
    }

    private static void RoundTripBytes()
    {
        string name = Unique("bytes");
        using (var reader = new Reader(name))
        using (var writer = new Writer(name))
        {
            byte[] binary = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
            writer.Write(new byte[] { 1, 0, 255 });
            writer.Write(binary);
            Check(reader.Read(1000).SequenceEqual(new byte[] { 1, 0, 255 }), "first message");
            Check(reader.Read(1000).SequenceEqual(binary), "second message");
        }
    }

    private static void Strings()
    {
        string name = Unique("strings");
        using (var reader = new Reader(name))
        using (var writer = new Writer(name))
        {
            writer.Write("grüße, 世界");
            Equal("grüße, 世界", reader.ReadString(1000), "UTF-8 text");
            writer.Write("plain");
            Equal("plain", Encoding.UTF8.GetString(reader.Read(1000)), "bytes of a string");
            Equal(@"\\.\mailslot\" + name.ToLowerInvariant(), reader.Name, "Name");
            Equal(@"\\.\mailslot\a\b", MailslotNative.NameCanonical("A/B"), "NameCanonical");
        }
        // Names are UTF-8 both ways.
        string unicode = Unique("größe-名前");
        using (var reader = new Reader(unicode))
        using (var writer = new Writer(unicode))
        {
            Equal(@"\\.\mailslot\" + unicode, reader.Name, "non-ASCII Name"); // all lower case already
            Check(MailslotNative.VersionString().Contains("."), "VersionString");
            Check(MailslotNative.StrError(ErrorCode.Timeout).Length > 0, "StrError");
            // error messages are UTF-8 too: the library's detail names the slot
            var e = Throws<MailslotException>(() => new Reader(unicode), "second reader");
            Check(e.Message.Contains("größe-名前"), "non-ASCII error message: " + e.Message);
        }
    }

    private static void ZeroLengthAndLargest()
    {
        string name = Unique("sizes");
        using (var reader = new Reader(name))
        using (var writer = new Writer(name))
        {
            writer.Write(new byte[0]);
            Equal(0, reader.Read(1000).Length, "empty message");
            var big = new byte[MailslotNative.MAX_LOCAL_MESSAGE];
            new Random(7).NextBytes(big);
            writer.Write(big);
            Check(reader.Read(1000).SequenceEqual(big), "64 KiB message");
        }
    }

    private static void MessageLargerThanTheFirstBuffer()
    {
        // The read starts on an empty queue; the module grows its buffer itself.
        string name = Unique("grow");
        using (var reader = new Reader(name))
        using (var writer = new Writer(name))
        {
            byte[] result = null;
            var started = new ManualResetEvent(false);
            var thread = new Thread(() => { started.Set(); result = reader.Read(10000); });
            thread.Start();
            started.WaitOne();
            var big = new byte[50000];
            new Random(3).NextBytes(big);
            writer.Write(big);
            Check(thread.Join(30000), "reader thread finished");
            Check(result != null && result.SequenceEqual(big), "50 KB message");
        }
    }

    private static void Timeout()
    {
        using (var reader = new Reader(Unique("timeout"), readTimeoutMs: 0))
        {
            var e = Throws<TimeoutException>(() => reader.Read(), "default timeout 0");
            Equal(ErrorCode.Timeout, ((MailslotTimeoutException)e).Code, "Code");
            Throws<TimeoutException>(() => reader.Read(20), "20 ms");
            Throws<MailslotTimeoutException>(() => reader.ReadString(0), "ReadString");
        }
    }

    private static void InfoAndTimeout()
    {
        string name = Unique("info");
        using (var reader = new Reader(name, maxMessageSize: 100, queueLimit: 10))
        using (var writer = new Writer(name))
        {
            ReaderInfo info = reader.Info();
            Equal(100u, info.MaxMessageSize, "MaxMessageSize");
            Equal(ReaderInfo.NoMessage, info.NextSize, "NextSize, empty");
            Check(!info.HasMessage, "HasMessage, empty");
            Equal(-1, info.ReadTimeoutMs, "ReadTimeoutMs");
            writer.Write("12345");
            writer.Write("1");
            info = reader.Info();
            Equal(5u, info.NextSize, "NextSize");
            Equal(2u, info.MessageCount, "MessageCount");
            reader.SetReadTimeout(250);
            Equal(250, reader.Info().ReadTimeoutMs, "ReadTimeoutMs after SetReadTimeout");
            Check(reader.Fd() >= 0, "Fd");
        }
    }

    private static void ErrorCodes()
    {
        string name = Unique("codes");
        using (var reader = new Reader(name, maxMessageSize: 10, queueLimit: 2))
        {
            Equal(ErrorCode.NotFound,
                  Throws<MailslotException>(() => new Writer(Unique("nobody")), "open").Code, "NotFound");
            Equal(ErrorCode.Exists, Throws<MailslotException>(() => new Reader(name), "create").Code, "Exists");
            Equal(ErrorCode.Name,
                  Throws<MailslotException>(() => new Reader(@"\\.\pipe\x"), "bad name").Code, "Name");
            Equal(ErrorCode.Invalid,
                  Throws<MailslotException>(() => new Reader(Unique("x"), maxMessageSize: 70000), "option").Code,
                  "Invalid");
            using (var writer = new Writer(name))
            {
                var e = Throws<MailslotException>(() => writer.Write(new byte[11]), "too big");
                Equal(ErrorCode.TooBig, e.Code, "TooBig");
                Check(e.Message.Contains("(code -6)"), "message carries the code: " + e.Message);
                writer.Write("1");
                writer.Write("2");
                Equal(ErrorCode.Full, Throws<MailslotException>(() => writer.Write("3"), "full").Code, "Full");
            }
        }
    }

    private static void GetIntReadsOptionsInEffectAndZeroCounters()
    {
        using (var reader = new Reader(Unique("getint"), maxMessageSize: 100, readTimeoutMs: 250, queueLimit: 7,
                                       allowAnyUser: true, network: false, port: 40011))
        {
            Equal(100L, reader.GetInt(OptionKey.MaxMessageSize), "MaxMessageSize");
            Equal(250L, reader.GetInt(OptionKey.ReadTimeout), "ReadTimeout");
            Equal(7L, reader.GetInt(OptionKey.QueueLimit), "QueueLimit");
            Equal(1L, reader.GetInt(OptionKey.AllowAnyUser), "AllowAnyUser");
            Equal(0L, reader.GetInt(OptionKey.Network), "Network");
            Equal(40011L, reader.GetInt(OptionKey.Port), "Port");
            Equal(0L, reader.GetInt(OptionKey.Legacy), "Legacy");
            Equal(7, reader.QueueLimit, "QueueLimit property");
            Check(reader.AllowAnyUser, "AllowAnyUser property");
            Check(!reader.Network, "Network property");
            Equal(40011, reader.Port, "Port property");
            foreach (StatKey key in Enum.GetValues(typeof(StatKey)))
                Equal(0L, reader.GetInt(key), "counter " + key);
            ReaderStats stats = reader.Stats();
            Equal(0L, stats.NetReceived, "NetReceived");
            Equal(0L, stats.NetDropped, "NetDropped");
        }
        // Without options: the environment (CTest: MAILSLOT_NETWORK=0) and the defaults.
        using (var reader = new Reader(Unique("getint-default")))
        {
            Equal(65536, reader.QueueLimit, "default QueueLimit");
            Equal((long)MailslotNative.MAX_LOCAL_MESSAGE, reader.GetInt(OptionKey.MaxMessageSize), "default size");
            Equal(-1L, reader.GetInt(OptionKey.ReadTimeout), "default ReadTimeout");
        }
    }

    private static void LegacyOptionsReachTheLibrary()
    {
        using (var reader = new Reader(Unique("legacy"), network: false, legacy: true, netbiosName: "LogHost"))
        {
            Equal(1L, reader.GetInt(OptionKey.Legacy), "Legacy");
            Check(reader.Legacy, "Legacy property");
        }
        // The constructor of release 1.0 is still there, for programs built against it.
        using (var reader = new Reader(Unique("legacy10"), 0, -1, 0, false, false, null, null, null, null, null,
                                       null, null, null, null))
            Equal(0L, reader.GetInt(OptionKey.Legacy), "Legacy of the 1.0 constructor");
    }

    private static void GetIntWithABadKeyThrowsInvalid()
    {
        var reader = new Reader(Unique("badkey"));
        foreach (int key in new[] { 0, (int)OptionKey.Ttl, (int)OptionKey.Domain, (int)OptionKey.Interface, 100, 199 })
        {
            var e = Throws<MailslotException>(() => reader.GetInt((OptionKey)key), "GetInt(" + key + ")");
            Equal(ErrorCode.Invalid, e.Code, "code of GetInt(" + key + ")");
            e = Throws<MailslotException>(() => reader.GetInt((StatKey)key), "GetInt((StatKey)" + key + ")");
            Equal(ErrorCode.Invalid, e.Code, "code of GetInt((StatKey)" + key + ")");
        }
        reader.Dispose();
        Throws<ObjectDisposedException>(() => reader.GetInt(OptionKey.Port), "GetInt after Dispose");
        Throws<ObjectDisposedException>(() => reader.Stats(), "Stats after Dispose");
    }

    // Every row of abi/constants.txt (MAILSLOT_CONSTANTS names it) is bound: a constant of
    // MailslotNative with its value; each E_* a constant of ErrorCode, each OPT_* a member of
    // OptionKey, each STAT_* a member of StatKey and a property of ReaderStats, each LOG_* a
    // member of LogLevel, named in Pascal case (STAT_NET_RECEIVED: StatKey.NetReceived); and
    // those types have no member the table lacks. NetDropped adds the counters marked dropped.
    private static void EveryConstantOfTheTableIsBound()
    {
        var bound = new HashSet<string>();
        var dropped = new HashSet<string>();
        string table = Environment.GetEnvironmentVariable("MAILSLOT_CONSTANTS");
        Check(!string.IsNullOrEmpty(table) && System.IO.File.Exists(table),
              "MAILSLOT_CONSTANTS names abi/constants.txt");
        int rows = 0;
        foreach (string line in System.IO.File.ReadAllLines(table))
        {
            if (line.Trim().Length == 0 || line.StartsWith("#"))
                continue;
            string[] cells = line.Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
            string name = cells[0].Substring("MAILSLOT_".Length);
            long value = long.Parse(cells[1]);
            rows++;
            var native = typeof(MailslotNative).GetField(name);
            Check(native != null, "MailslotNative." + name + " exists");
            Equal(value, Convert.ToInt64(native.GetValue(null)), "MailslotNative." + name);
            if (name.StartsWith("E_"))
                bound.Add("ErrorCode." + BoundAs(typeof(ErrorCode), name.Substring(2), value, name));
            else if (name.StartsWith("OPT_"))
                bound.Add("OptionKey." + BoundAs(typeof(OptionKey), name.Substring(4), value, name));
            else if (name.StartsWith("LOG_"))
                bound.Add("LogLevel." + BoundAs(typeof(LogLevel), name.Substring(4), value, name));
            else if (name.StartsWith("STAT_"))
            {
                string member = BoundAs(typeof(StatKey), name.Substring(5), value, name);
                bound.Add("StatKey." + member);
                bound.Add("ReaderStats." + member);
                Check(typeof(ReaderStats).GetProperty(member) != null, "ReaderStats." + member + " (" + name + ")");
                if (cells.Length > 3 && cells[3] == "dropped")
                    dropped.Add(member);
            }
        }
        Check(rows > 0, "rows in " + table);
        foreach (var type in new[] { typeof(ErrorCode), typeof(OptionKey), typeof(LogLevel), typeof(StatKey) })
        {
            var members = type.IsEnum ? Enum.GetNames(type)
                                      : type.GetFields().Where(f => f.IsLiteral).Select(f => f.Name).ToArray();
            foreach (string member in members)
                Check(bound.Contains(type.Name + "." + member), type.Name + "." + member + " is in the table");
        }
        foreach (var property in typeof(ReaderStats).GetProperties())
        {
            if (property.Name != "NetDropped")
                Check(bound.Contains("ReaderStats." + property.Name), "ReaderStats." + property.Name + " is in the table");
        }
        // Each counter its own bit: NetDropped shows which it added.
        object stats = new ReaderStats();
        long want = 0, bit = 1;
        foreach (StatKey key in Enum.GetValues(typeof(StatKey)))
        {
            typeof(ReaderStats).GetProperty(key.ToString()).SetValue(stats, bit, null);
            if (dropped.Contains(key.ToString()))
                want |= bit;
            bit <<= 1;
        }
        Check(dropped.Count > 0, "counters marked dropped");
        Equal(want, ((ReaderStats)stats).NetDropped, "NetDropped adds the counters marked dropped");
        Equal(ErrorCode.Network, MailslotNative.E_NETWORK, "E_NETWORK");
    }

    // The member of type that stands for constant name (its part after the prefix, in Pascal
    // case; ErrorCode's own spellings NoMemory): checks its value, returns its name.
    private static string BoundAs(Type type, string part, long value, string name)
    {
        var words = part.Split('_').Select(w => w.Substring(0, 1) + w.Substring(1).ToLowerInvariant());
        string member = string.Concat(words);
        if (type == typeof(ErrorCode) && member == "Nomem")
            member = "NoMemory";
        object found = null;
        if (type.IsEnum)
        {
            if (Enum.IsDefined(type, member))
                found = Enum.Parse(type, member);
        }
        else
        {
            var field = type.GetField(member);
            if (field != null)
                found = field.GetValue(null);
        }
        Check(found != null, type.Name + "." + member + " exists (" + name + ")");
        Equal(value, Convert.ToInt64(found), type.Name + "." + member + " (" + name + ")");
        return member;
    }

    // ---- network keys ---------------------------------------------------------
    // With the network off, a writer for @"\\*\mailslot\<path>" still delivers this host's copy as
    // a network packet, sealed with its keys.

    private const string K1 = "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
    private const string K2 = "key 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n";
    private static string noSodium; // null: not probed; "": keys work; else why not
    private static int skipped;

    private static string Star(string name)
    {
        return @"\\*\mailslot\" + name;
    }

    // Runs a test that needs keys; skips it, with the reason, without libsodium.
    private static void RunWithKeys(string name, Action test)
    {
        if (noSodium == null)
        {
            try
            {
                new Reader(Unique("probe"), keys: K1, authLog: false).Dispose();
                noSodium = "";
            }
            catch (MailslotException e)
            {
                if (e.Code != ErrorCode.Invalid || !e.Message.Contains("libsodium"))
                    throw;
                noSodium = e.Message;
            }
        }
        if (noSodium != "")
        {
            skipped++;
            Console.Error.WriteLine("SKIP {0}: network keys need libsodium: {1}", name, noSodium);
            return;
        }
        Run(name, test);
    }

    // Polls a counter until it has the value (fails after 20 s).
    private static void WaitCounter(Reader reader, StatKey key, long value)
    {
        var watch = Stopwatch.StartNew();
        while (reader.GetInt(key) != value)
        {
            Check(watch.ElapsedMilliseconds < 20000, key + " reaches " + value);
            Thread.Sleep(1);
        }
    }

    private static void KeySettingsWithoutKeysAreTheDefaults()
    {
        using (var reader = new Reader(Unique("keydefaults")))
        {
            Equal(0, reader.KeyCount, "KeyCount");
            Equal(1, reader.Suite, "Suite");
            Equal(64, reader.ReplayWindow, "ReplayWindow");
            Equal(120000L, reader.TimeWindowMs, "TimeWindowMs");
            Check(!reader.AuthMigration, "AuthMigration");
            Check(reader.AuthLog, "AuthLog");
        }
        var old = new ReaderStats(1, 2, 0, 0, 0, 0);
        Equal(0L, old.AuthNone, "the six-counter constructor leaves AuthNone 0");
        Equal(2L, old.NetDropped, "NetDropped");
        Equal(3L, new ReaderStats(0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 5, 0).NetDropped, "auth drops count");
    }

    private static void RoundTripWithKeys()
    {
        for (int suite = 1; suite <= 2; suite++)
        {
            string name = Unique("keys" + suite);
            using (var reader = new Reader(name, keys: K1, authLog: false))
            {
                using (var writer = new Writer(Star(name), network: false, keys: K1, suite: suite))
                    writer.Write("sealed " + suite);
                Equal("sealed " + suite, reader.ReadString(5000), "message of suite " + suite);
                ReaderStats stats = reader.Stats();
                Equal(1L, stats.AuthVerified, "AuthVerified");
                Equal(0L, stats.NetDropped, "NetDropped");
            }
        }
    }

    private static void UnsignedAndWrongKeyMessagesAreDroppedAndCounted()
    {
        string name = Unique("drops");
        using (var reader = new Reader(name, keys: K1, authLog: false))
        {
            using (var writer = new Writer(Star(name), network: false))
                writer.Write("unsigned");
            WaitCounter(reader, StatKey.AuthNone, 1);
            using (var writer = new Writer(Star(name), network: false, keys: K2))
                writer.Write("wrong key");
            WaitCounter(reader, StatKey.AuthUnknownKey, 1);
            ReaderStats stats = reader.Stats();
            Equal(0L, stats.AuthVerified, "AuthVerified");
            Equal(2L, stats.NetDropped, "NetDropped");
            Equal(0u, reader.Info().MessageCount, "nothing queued");
        }
    }

    // A reader with keys logs its drop of an unsigned message: Log.Message gets it, from
    // whichever thread noticed it, after the handler's delegate survived a collection.
    private static void DroppedMessagesReachLogMessage()
    {
        var got = new List<KeyValuePair<LogLevel, string>>();
        var arrived = new ManualResetEvent(false);
        LogHandler handler = (level, text) =>
        {
            lock (got)
                got.Add(new KeyValuePair<LogLevel, string>(level, text));
            arrived.Set();
        };
        Log.Message += handler;
        try
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            string name = Unique("logdrop");
            using (var reader = new Reader(name, keys: K1, authLog: true))
            {
                using (var writer = new Writer(Star(name), network: false))
                    writer.Write("unsigned");
                WaitCounter(reader, StatKey.AuthNone, 1);
                reader.Info(); // a call after the drop: its message was handed over by now
                Check(arrived.WaitOne(20000), "a log message arrived");
                lock (got)
                {
                    Equal(1, got.Count, "messages");
                    Equal(LogLevel.Warning, got[0].Key, "level");
                    Check(got[0].Value.Contains("dropped 1 network message (auth_none)"), "text: " + got[0].Value);
                    Check(!got[0].Value.Contains("key id"), "no key id: " + got[0].Value);
                }
            }
        }
        finally
        {
            Log.Message -= handler;
        }
    }

    private static void MigrationAcceptsUnsignedMessages()
    {
        string name = Unique("migration");
        using (var reader = new Reader(name, keys: K1, authMigration: true, authLog: false))
        {
            using (var writer = new Writer(Star(name), network: false))
                writer.Write("unsigned");
            Equal("unsigned", reader.ReadString(5000), "message");
            Equal(1L, reader.Stats().AuthUnverified, "AuthUnverified");
        }
    }

    private static void ReaderWithoutKeysDropsSuite2()
    {
        string name = Unique("nokeys");
        using (var reader = new Reader(name))
        {
            using (var writer = new Writer(Star(name), network: false, keys: K1, suite: 2))
                writer.Write("encrypted");
            WaitCounter(reader, StatKey.NetUnknownVersion, 1);
            using (var writer = new Writer(Star(name), network: false, keys: K1, suite: 1))
                writer.Write("signed");
            Equal("signed", reader.ReadString(5000), "suite 1 message");
        }
    }

    private static void KeySettingsReadBack()
    {
        using (var reader = new Reader(Unique("keysettings"), keys: K1 + K2, replayWindow: 320, timeWindowMs: 60000,
                                       authMigration: true, authLog: false))
        {
            Equal(2, reader.KeyCount, "KeyCount");
            Equal(2L, reader.GetInt(OptionKey.KeyFile), "GetInt(KeyFile)");
            Equal(320, reader.ReplayWindow, "ReplayWindow");
            Equal(60000L, reader.TimeWindowMs, "TimeWindowMs");
            Check(reader.AuthMigration, "AuthMigration");
            Check(!reader.AuthLog, "AuthLog");
        }
    }

    private static void BadKeyOptionsThrowInvalid()
    {
        var cases = new Action[] {
            () => new Reader(Unique("bad"), replayWindow: 63),
            () => new Reader(Unique("bad"), replayWindow: 1025),
            () => new Reader(Unique("bad"), timeWindowMs: 999),
            () => new Reader(Unique("bad"), timeWindowMs: 86400001),
            () => new Writer(Star("x"), network: false, suite: 0),
            () => new Writer(Star("x"), network: false, suite: 3),
            () => new Reader(Unique("bad"), netbiosName: "box.example"),
            () => new Writer(Star("x"), network: false, netbiosName: "SIXTEEN-CHARS-XX"),
        };
        for (int i = 0; i < cases.Length; i++)
        {
            var e = Throws<MailslotException>(cases[i], "case " + i);
            Equal(ErrorCode.Invalid, e.Code, "code of case " + i);
            Check(e.Message.Contains("MAILSLOT_OPT_"), "case " + i + " names the option: " + e.Message);
        }
        var both = Throws<MailslotException>(() => new Reader(Unique("both"), keys: K1, keyFile: "/k"), "both");
        Equal(ErrorCode.Invalid, both.Code, "keys and keyFile");
    }

    private static void BadKeyTextThrowsInvalid()
    {
        var e = Throws<MailslotException>(() => new Reader(Unique("badtext"), keys: "key 0011"), "bad text");
        Equal(ErrorCode.Invalid, e.Code, "code");
        Check(e.Message.Contains("MAILSLOT_OPT_KEYS"), "message: " + e.Message);
        e = Throws<MailslotException>(() => new Writer(Star("x"), network: false, keys: "nonsense"), "writer");
        Equal(ErrorCode.Invalid, e.Code, "writer code");
    }

    // A key file with a mode set by chmod (Mono.Unix may be missing).
    private static string KeyFile(string text, string mode)
    {
        string path = System.IO.Path.GetTempFileName();
        System.IO.File.WriteAllText(path, text);
        using (var chmod = Process.Start(new ProcessStartInfo("chmod", mode + " \"" + path + "\"")
                                         { UseShellExecute = false }))
        {
            chmod.WaitForExit();
            Equal(0, chmod.ExitCode, "chmod " + mode);
        }
        return path;
    }

    private static void KeyFilesArePrivateOrRefused()
    {
        string privateFile = KeyFile("# test\n" + K1, "600");
        string openFile = KeyFile(K1, "644");
        try
        {
            string name = Unique("keyfile");
            using (var reader = new Reader(name, keyFile: privateFile, authLog: false))
            {
                Equal(1, reader.KeyCount, "KeyCount from the file");
                using (var writer = new Writer(Star(name), network: false, keyFile: privateFile))
                    writer.Write("from a file");
                Equal("from a file", reader.ReadString(5000), "message");
            }
            Equal(ErrorCode.Access, Throws<MailslotException>(() => new Reader(Unique("open"), keyFile: openFile),
                                                               "0644 reader").Code, "0644 reader code");
            Equal(ErrorCode.Access,
                  Throws<MailslotException>(() => new Writer(Star(name), network: false, keyFile: openFile),
                                            "0644 writer").Code, "0644 writer code");
            Equal(ErrorCode.NotFound,
                  Throws<MailslotException>(() => new Reader(Unique("missing"), keyFile: privateFile + ".missing"),
                                            "missing").Code, "missing code");
        }
        finally
        {
            System.IO.File.Delete(privateFile);
            System.IO.File.Delete(openFile);
        }
    }

    private static void CountersCountNetworkMessages()
    {
        // "*" reaches this host's reader as a network packet, even with the network off.
        string name = Unique("counters");
        using (var reader = new Reader(name, maxMessageSize: 10))
        using (var writer = new Writer(@"\\*\mailslot\" + name, network: false))
        {
            // One writer's messages are taken in order: once "fits" is read, the one before it was counted.
            writer.Write(new byte[11]); // over the reader's limit: dropped there, not refused here
            writer.Write("fits");
            Equal("fits", reader.ReadString(1000), "message");
            ReaderStats stats = reader.Stats();
            Equal(1L, stats.NetReceived, "NetReceived");
            Equal(1L, stats.NetOverLimit, "NetOverLimit");
            Equal(1L, stats.NetDropped, "NetDropped");
            Equal(1L, reader.GetInt(StatKey.NetOverLimit), "GetInt(NetOverLimit)");
        }
    }

    private static void NetworkOptionsAreAccepted()
    {
        string name = Unique("netopts");
        using (var reader = new Reader(name, network: false, port: 40012, domain: "example-domain,other",
                                       networkInterface: "lo"))
        {
            using (var writer = new Writer(name, network: false, port: 40012, ttl: 4, domain: "example-domain",
                                           networkInterface: "127.0.0.1"))
                writer.Write("local");
            Equal("local", reader.ReadString(1000), "local message");
            // a member domain is this host, network or not
            using (var member = new Writer(@"\\example-domain\mailslot\" + name, network: false,
                                           domain: "example-domain"))
                member.Write("domain");
            Equal("domain", reader.ReadString(1000), "domain message");
        }
        // Network on, loopback only: IP literals and member domains open, nothing is written.
        using (var reader = new Reader(Unique("neton"), network: true, port: 40013, networkInterface: "lo"))
        {
            Check(reader.Network, "Network on");
            Equal(40013, reader.Port, "Port");
            using (new Writer(@"\\192.0.2.1\mailslot\x", network: true, port: 40013, networkInterface: "lo"))
            {
            }
            using (new Writer(@"\\otherdomain\mailslot\x", network: true, domain: "otherdomain",
                              networkInterface: "lo"))
            {
            }
        }
    }

    private static void BadNetworkOptionsThrowInvalid()
    {
        var bad = new List<KeyValuePair<string, Action>>
        {
            new KeyValuePair<string, Action>("port 0", () => new Reader(Unique("bad"), port: 0)),
            new KeyValuePair<string, Action>("port 65536", () => new Reader(Unique("bad"), port: 65536)),
            new KeyValuePair<string, Action>("domain a,,b", () => new Reader(Unique("bad"), domain: "a,,b")),
            new KeyValuePair<string, Action>("domain with a space", () => new Reader(Unique("bad"), domain: "bad domain")),
            new KeyValuePair<string, Action>("interface x\\ty", () => new Reader(Unique("bad"), networkInterface: "x\ty")),
            new KeyValuePair<string, Action>("writer port -5", () => new Writer(@"\\*\mailslot\x", port: -5)),
            new KeyValuePair<string, Action>("writer ttl 0", () => new Writer(@"\\*\mailslot\x", ttl: 0)),
            new KeyValuePair<string, Action>("writer ttl 256", () => new Writer(@"\\*\mailslot\x", ttl: 256)),
            new KeyValuePair<string, Action>("writer domain a,", () => new Writer(@"\\*\mailslot\x", domain: "a,")),
            new KeyValuePair<string, Action>("writer interface", () => new Writer(@"\\*\mailslot\x",
                                                                                  networkInterface: new string('i', 64))),
        };
        foreach (var c in bad)
        {
            var e = Throws<MailslotException>(c.Value, c.Key);
            Equal(ErrorCode.Invalid, e.Code, c.Key);
            Check(e.Message.Contains("MAILSLOT_OPT_"), c.Key + ": the message names the option: " + e.Message);
        }
    }

    private static void NetworkOffRemoteOpenThrowsNetwork()
    {
        foreach (string name in new[] { @"\\192.0.2.1\mailslot\x", @"\\otherdomain\mailslot\x",
                                        @"\\otherhost.invalid\mailslot\x" })
        {
            var e = Throws<MailslotException>(() => new Writer(name, network: false), name);
            Equal(ErrorCode.Network, e.Code, name);
            Check(e.Message.Contains("network is off"), "message: " + e.Message);
        }
        using (new Writer(@"\\*\mailslot\x", network: false))
        {
        }
        using (new Writer(@"\\workgroup\mailslot\x", network: false)) // the default domain
        {
        }
    }

    private static void DisposeIsIdempotentAndUseAfterDisposeThrows()
    {
        string name = Unique("dispose");
        var reader = new Reader(name);
        var writer = new Writer(name);
        Check(!reader.IsClosed && !writer.IsClosed, "open");
        writer.Dispose();
        writer.Dispose();
        reader.Dispose();
        reader.Dispose();
        reader.Close();
        Check(reader.IsClosed && writer.IsClosed, "closed");
        Throws<ObjectDisposedException>(() => reader.Read(0), "Read after Dispose");
        Throws<ObjectDisposedException>(() => reader.Info(), "Info after Dispose");
        Throws<ObjectDisposedException>(() => { var n = reader.Name; }, "Name after Dispose");
        Throws<ObjectDisposedException>(() => reader.Interrupt(), "Interrupt after Dispose");
        Throws<ObjectDisposedException>(() => writer.Write("x"), "Write after Dispose");
        using (new Reader(name))
        {
            // the name is free again
        }
        reader = null;
        writer = null;
        GC.Collect();
        GC.WaitForPendingFinalizers(); // finalizers after Dispose are safe
        GC.Collect();
    }

    private static void DisposeFromAnotherThreadWakesABlockedRead()
    {
        var reader = new Reader(Unique("wake"));
        Exception caught = null;
        var started = new ManualResetEvent(false);
        var thread = new Thread(() =>
        {
            started.Set();
            try
            {
                reader.Read(MailslotNative.WAIT_FOREVER);
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        thread.Start();
        started.WaitOne();
        reader.Dispose(); // a read not yet blocked fails the same way
        Check(thread.Join(30000), "reader thread finished");
        Check(caught is ObjectDisposedException, "blocked read got " + caught);
    }

    private static void InterruptWakesABlockedRead()
    {
        using (var reader = new Reader(Unique("interrupt")))
        {
            Exception caught = null;
            var started = new ManualResetEvent(false);
            var thread = new Thread(() =>
            {
                started.Set();
                try
                {
                    reader.Read(MailslotNative.WAIT_FOREVER);
                }
                catch (Exception e)
                {
                    caught = e;
                }
            });
            thread.Start();
            started.WaitOne();
            // Interrupt only wakes reads already waiting: repeat until it lands.
            while (!thread.Join(10))
                reader.Interrupt();
            var me = caught as MailslotException;
            Check(me != null && me.Code == ErrorCode.Interrupted, "interrupted read got " + caught);
        }
    }

    private static void ManyObjectsCollected()
    {
        for (int i = 0; i < 200; i++)
        {
            string name = Unique("gc");
            var reader = new Reader(name);
            var writer = new Writer(name);
            writer.Write("x");
            if (i % 2 == 0)
            {
                reader.Dispose();
                writer.Dispose();
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    // MailslotNative.QueryInt (mailslot_query, since 1.1): one value of the
    // reader of a local name, asked as another process would.
    private static void QueryInt()
    {
        string name = Unique("query");
        bool windows = System.IO.Path.DirectorySeparatorChar == '\\';
        using (var reader = new Reader(name, maxMessageSize: 300, queueLimit: 9))
        using (var writer = new Writer(name))
        {
            if (windows) {
                Equal(ErrorCode.System, Throws<MailslotException>(
                    () => MailslotNative.QueryInt(name, (int)OptionKey.QueueLimit, 1000), "Windows").Code,
                    "a Windows mailslot cannot be asked");
            } else {
                writer.Write("a");
                writer.Write("b");
                Equal(9L, MailslotNative.QueryInt(name, (int)OptionKey.QueueLimit, 1000), "QueueLimit");
                Equal(300L, MailslotNative.QueryInt(name, (int)OptionKey.MaxMessageSize, 1000), "MaxMessageSize");
                Equal(0L, MailslotNative.QueryInt(name, (int)StatKey.NetReceived, 1000), "NetReceived");
                Equal(2L, MailslotNative.QueryInt(name, MailslotNative.INFO_MESSAGE_COUNT, -1), "messages waiting");
            }
            Equal(ErrorCode.Invalid, Throws<MailslotException>(
                () => MailslotNative.QueryInt(name, (int)OptionKey.ReadTimeout, 1000), "bad key").Code, "bad key");
            Equal(ErrorCode.Invalid, Throws<MailslotException>(
                () => MailslotNative.QueryInt(name, (int)OptionKey.QueueLimit, -2), "bad timeout").Code, "bad timeout");
        }
        Equal(ErrorCode.Name, Throws<MailslotException>(
            () => MailslotNative.QueryInt(@"\\*\mailslot\x", (int)OptionKey.QueueLimit, 1000), "remote").Code, "remote");
        if (!windows)
            Equal(ErrorCode.NotFound, Throws<MailslotException>(
                () => MailslotNative.QueryInt(name, (int)OptionKey.QueueLimit, 1000), "closed").Code, "no reader");
    }

    public static int Main()
    {
        Console.WriteLine("libmailslot {0} ({1})", MailslotNative.VersionString(), MailslotNative.Version());
        Run("RoundTripBytes", RoundTripBytes);
        Run("Strings", Strings);
        Run("QueryInt", QueryInt);
        Run("ZeroLengthAndLargest", ZeroLengthAndLargest);
        Run("MessageLargerThanTheFirstBuffer", MessageLargerThanTheFirstBuffer);
        Run("Timeout", Timeout);
        Run("InfoAndTimeout", InfoAndTimeout);
        Run("ErrorCodes", ErrorCodes);
        Run("DisposeIsIdempotentAndUseAfterDisposeThrows", DisposeIsIdempotentAndUseAfterDisposeThrows);
        Run("DisposeFromAnotherThreadWakesABlockedRead", DisposeFromAnotherThreadWakesABlockedRead);
        Run("InterruptWakesABlockedRead", InterruptWakesABlockedRead);
        Run("ManyObjectsCollected", ManyObjectsCollected);
        Run("GetIntReadsOptionsInEffectAndZeroCounters", GetIntReadsOptionsInEffectAndZeroCounters);
        Run("GetIntWithABadKeyThrowsInvalid", GetIntWithABadKeyThrowsInvalid);
        Run("LegacyOptionsReachTheLibrary", LegacyOptionsReachTheLibrary);
        Run("EveryConstantOfTheTableIsBound", EveryConstantOfTheTableIsBound);
        Run("CountersCountNetworkMessages", CountersCountNetworkMessages);
        Run("NetworkOptionsAreAccepted", NetworkOptionsAreAccepted);
        Run("BadNetworkOptionsThrowInvalid", BadNetworkOptionsThrowInvalid);
        Run("NetworkOffRemoteOpenThrowsNetwork", NetworkOffRemoteOpenThrowsNetwork);
        Run("KeySettingsWithoutKeysAreTheDefaults", KeySettingsWithoutKeysAreTheDefaults);
        Run("BadKeyOptionsThrowInvalid", BadKeyOptionsThrowInvalid);
        RunWithKeys("RoundTripWithKeys", RoundTripWithKeys);
        RunWithKeys("UnsignedAndWrongKeyMessagesAreDroppedAndCounted", UnsignedAndWrongKeyMessagesAreDroppedAndCounted);
        RunWithKeys("DroppedMessagesReachLogMessage", DroppedMessagesReachLogMessage);
        RunWithKeys("MigrationAcceptsUnsignedMessages", MigrationAcceptsUnsignedMessages);
        RunWithKeys("ReaderWithoutKeysDropsSuite2", ReaderWithoutKeysDropsSuite2);
        RunWithKeys("KeySettingsReadBack", KeySettingsReadBack);
        RunWithKeys("BadKeyTextThrowsInvalid", BadKeyTextThrowsInvalid);
        RunWithKeys("KeyFilesArePrivateOrRefused", KeyFilesArePrivateOrRefused);
        if (skipped > 0)
            Console.WriteLine("{0} skipped (network keys need libsodium)", skipped);
        Console.WriteLine("{0} passed, {1} failed", passed, failed);
        return failed == 0 ? 0 : 1;
    }
}
