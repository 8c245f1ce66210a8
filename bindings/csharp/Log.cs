// SPDX-License-Identifier: MIT
// Log.cs -- the library's own messages (mailslot_set_log_handler) as a C# event.

namespace Mailslot
{
    /// <summary>The level of a library message (MAILSLOT_LOG_*); the numbers are ABI. A later
    /// library may add levels: treat an unknown one by its neighbours.</summary>
    public enum LogLevel
    {
        /// <summary>Something configured is not in effect (a changed key file was refused).</summary>
        Error = 1,
        /// <summary>Messages were lost (a reader with keys dropped network messages).</summary>
        Warning = 2,
        /// <summary>A change the program may want to know of (a key file was read again).</summary>
        Info = 3,
        /// <summary>Detail for finding a problem.</summary>
        Debug = 4,
    }

    /// <summary>Receives one library message: its level and its text (one line, without
    /// the "mailslot: " prefix).</summary>
    public delegate void LogHandler(LogLevel level, string message);

    /// <summary>The library's messages: a reader with keys dropped network messages, a key
    /// file was read again or refused. Without a handler they go to stderr, as
    /// "mailslot: MESSAGE" lines; with one or more, to <see cref="Message"/> only.</summary>
    /// <remarks>Handlers run on whichever thread the library noticed the message in: its
    /// own I/O thread, or a thread inside a call (Read, Info, ...). They must be quick and
    /// thread-safe; an exception a handler throws is written to stderr and goes no further.
    /// The native callback is one static delegate, alive for the whole process.</remarks>
    public static class Log
    {
        private static readonly object gate = new object();
        private static volatile LogHandler handlers;

        /// <summary>Each library message, while at least one handler is subscribed.</summary>
        public static event LogHandler Message
        {
            add
            {
                lock (gate)
                {
                    bool first = handlers == null;
                    handlers += value;
                    if (first && handlers != null)
                        MailslotNativePINVOKE.RouteLog(true);
                }
            }
            remove
            {
                lock (gate)
                {
                    handlers -= value;
                    if (handlers == null)
                        MailslotNativePINVOKE.RouteLog(false); // stderr again
                }
            }
        }

        // Called by the native callback, on any thread.
        internal static void Dispatch(int level, string message)
        {
            LogHandler h = handlers;
            if (h == null)
                return;
            try
            {
                h((LogLevel)level, message);
            }
            catch (System.Exception e)
            {
                // Never unwind into the library: it is C.
                System.Console.Error.WriteLine("mailslot: a Log.Message handler threw: {0}", e);
            }
        }
    }
}
