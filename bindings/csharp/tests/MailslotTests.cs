// MailslotTests.cs -- tests of the C# binding (namespace Mailslot).
// Run: mono MailslotTests.exe (libmailslot_csharp.so next to Mailslot.dll or on
// LD_LIBRARY_PATH). Prints "N passed, M failed"; exit code 1 if a test failed.

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

    private static void KeysMatchTheNativeConstants()
    {
        Equal(MailslotNative.OPT_MAX_MESSAGE_SIZE, (int)OptionKey.MaxMessageSize, "OPT_MAX_MESSAGE_SIZE");
        Equal(MailslotNative.OPT_READ_TIMEOUT, (int)OptionKey.ReadTimeout, "OPT_READ_TIMEOUT");
        Equal(MailslotNative.OPT_QUEUE_LIMIT, (int)OptionKey.QueueLimit, "OPT_QUEUE_LIMIT");
        Equal(MailslotNative.OPT_ALLOW_ANY_USER, (int)OptionKey.AllowAnyUser, "OPT_ALLOW_ANY_USER");
        Equal(MailslotNative.OPT_NETWORK, (int)OptionKey.Network, "OPT_NETWORK");
        Equal(MailslotNative.OPT_PORT, (int)OptionKey.Port, "OPT_PORT");
        Equal(MailslotNative.OPT_TTL, (int)OptionKey.Ttl, "OPT_TTL");
        Equal(MailslotNative.OPT_DOMAIN, (int)OptionKey.Domain, "OPT_DOMAIN");
        Equal(MailslotNative.OPT_INTERFACE, (int)OptionKey.Interface, "OPT_INTERFACE");
        Equal(MailslotNative.STAT_NET_RECEIVED, (int)StatKey.NetReceived, "STAT_NET_RECEIVED");
        Equal(MailslotNative.STAT_NET_MALFORMED, (int)StatKey.NetMalformed, "STAT_NET_MALFORMED");
        Equal(MailslotNative.STAT_NET_UNKNOWN_VERSION, (int)StatKey.NetUnknownVersion, "STAT_NET_UNKNOWN_VERSION");
        Equal(MailslotNative.STAT_NET_MISADDRESSED, (int)StatKey.NetMisaddressed, "STAT_NET_MISADDRESSED");
        Equal(MailslotNative.STAT_NET_DUPLICATE, (int)StatKey.NetDuplicate, "STAT_NET_DUPLICATE");
        Equal(MailslotNative.STAT_NET_OVER_LIMIT, (int)StatKey.NetOverLimit, "STAT_NET_OVER_LIMIT");
        Equal(ErrorCode.Network, MailslotNative.E_NETWORK, "E_NETWORK");
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

    public static int Main()
    {
        Console.WriteLine("libmailslot {0} ({1})", MailslotNative.VersionString(), MailslotNative.Version());
        Run("RoundTripBytes", RoundTripBytes);
        Run("Strings", Strings);
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
        Run("KeysMatchTheNativeConstants", KeysMatchTheNativeConstants);
        Run("CountersCountNetworkMessages", CountersCountNetworkMessages);
        Run("NetworkOptionsAreAccepted", NetworkOptionsAreAccepted);
        Run("BadNetworkOptionsThrowInvalid", BadNetworkOptionsThrowInvalid);
        Run("NetworkOffRemoteOpenThrowsNetwork", NetworkOffRemoteOpenThrowsNetwork);
        Console.WriteLine("{0} passed, {1} failed", passed, failed);
        return failed == 0 ? 0 : 1;
    }
}
