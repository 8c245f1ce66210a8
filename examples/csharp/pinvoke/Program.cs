// SPDX-License-Identifier: MIT
// Program.cs -- calls libmailslot straight from C# with P/Invoke, no SWIG.
//
// The C ABI was made for this (abi/mailslot.h): cdecl everywhere, int return
// codes, opaque handles, UTF-8 strings, (pointer, size) buffers. Handles live
// in SafeHandle subclasses, so that they are closed exactly once even if the
// program forgets Dispose. Run: mono PInvokeExample.exe [NAME]
// (libmailslot.so must be found: installed, after ldconfig; LD_LIBRARY_PATH;
// or next to the .exe).

using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Mailslot.Examples
{
    internal static class Native
    {
        private const string Lib = "mailslot"; // libmailslot.so, mailslot.dll

        public const int OK = 0;
        public const int E_BUFFER = -7;
        public const int E_TIMEOUT = -5;

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern int mailslot_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr mailslot_strerror(int code);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr mailslot_last_error_detail();

        // name: NUL-terminated UTF-8 (see Utf8z); options NULL for defaults.
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern int mailslot_create(byte[] name, IntPtr options, out ReaderHandle reader);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern int mailslot_read(ReaderHandle reader, byte[] buf, UIntPtr cap,
                                               out UIntPtr len, int timeoutMs);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern void mailslot_reader_close(IntPtr reader);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern int mailslot_open(byte[] name, IntPtr options, out WriterHandle writer);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern int mailslot_write(WriterHandle writer, byte[] data, UIntPtr len);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        public static extern void mailslot_writer_close(IntPtr writer);

        public static byte[] Utf8z(string s)
        {
            byte[] text = Encoding.UTF8.GetBytes(s);
            byte[] z = new byte[text.Length + 1];
            Buffer.BlockCopy(text, 0, z, 0, text.Length);
            return z;
        }

        public static string FromUtf8z(IntPtr p)
        {
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0)
                n++;
            byte[] bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        // Throws for a negative code, with the library's own explanation.
        public static void Check(int rc, string what)
        {
            if (rc < 0)
                throw new InvalidOperationException(string.Format("{0}: {1}: {2} (code {3})", what,
                    FromUtf8z(mailslot_strerror(rc)), FromUtf8z(mailslot_last_error_detail()), rc));
        }
    }

    internal sealed class ReaderHandle : SafeHandle
    {
        private ReaderHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.mailslot_reader_close(handle);
            return true;
        }
    }

    internal sealed class WriterHandle : SafeHandle
    {
        private WriterHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.mailslot_writer_close(handle);
            return true;
        }
    }

    public static class Program
    {
        // One whole message; grows the buffer when the library says E_BUFFER.
        private static byte[] Read(ReaderHandle reader, int timeoutMs)
        {
            byte[] buf = new byte[256];
            for (;;)
            {
                UIntPtr len;
                int rc = Native.mailslot_read(reader, buf, (UIntPtr)buf.Length, out len, timeoutMs);
                if (rc == Native.E_BUFFER)
                {
                    buf = new byte[(int)len.ToUInt32()];
                    continue;
                }
                Native.Check(rc, "mailslot_read");
                byte[] message = new byte[(int)len.ToUInt32()];
                Buffer.BlockCopy(buf, 0, message, 0, message.Length);
                return message;
            }
        }

        public static int Main(string[] args)
        {
            string name = args.Length > 0
                ? args[0]
                : string.Format("pinvoke-example-{0}", System.Diagnostics.Process.GetCurrentProcess().Id);
            Console.WriteLine("libmailslot {0}, slot {1}", Native.mailslot_version(), name);

            ReaderHandle reader;
            Native.Check(Native.mailslot_create(Native.Utf8z(name), IntPtr.Zero, out reader), "mailslot_create");
            using (reader)
            {
                WriterHandle writer;
                Native.Check(Native.mailslot_open(Native.Utf8z(name), IntPtr.Zero, out writer), "mailslot_open");
                using (writer)
                {
                    string[] sent = { "hello from P/Invoke", "", "grüße, 世界", new string('x', 1000) };
                    foreach (string s in sent)
                    {
                        byte[] data = Encoding.UTF8.GetBytes(s);
                        Native.Check(Native.mailslot_write(writer, data, (UIntPtr)data.Length), "mailslot_write");
                    }
                    foreach (string s in sent)
                    {
                        string got = Encoding.UTF8.GetString(Read(reader, 5000));
                        if (got != s)
                        {
                            Console.Error.WriteLine("FAIL: sent {0} bytes, received a different message", s.Length);
                            return 1;
                        }
                        Console.WriteLine("received {0} bytes: {1}", Encoding.UTF8.GetByteCount(got),
                                          got.Length > 40 ? got.Substring(0, 40) + "..." : got);
                    }
                    UIntPtr none;
                    int rc = Native.mailslot_read(reader, new byte[1], (UIntPtr)1, out none, 0);
                    if (rc != Native.E_TIMEOUT)
                    {
                        Console.Error.WriteLine("FAIL: empty slot gave {0}, expected E_TIMEOUT", rc);
                        return 1;
                    }
                }
            }
            Console.WriteLine("round trip OK");
            return 0;
        }
    }
}
