// SPDX-License-Identifier: MIT
// Logger.cs -- the classic use of a mailslot, a log collector, with the SWIG
// binding (namespace Mailslot); the C version is examples/c/logger.c.
//
// A Task owns the reader on "logger" and prints every word it receives until
// the word STOP. The main thread plays an application that logs: it opens a
// writer on \\*\mailslot\logger ("every host"), writes a few words and STOP,
// and waits for the collector. A "*" writer opens even when no reader runs,
// and a message sent while no reader exists is lost, like a datagram: so the
// reader is created before the writer opens.
//
// usage: mono Logger.exe [PATH]     PATH replaces "logger" as the slot's name

using System;
using System.Threading.Tasks;
using Mailslot;

internal static class Logger
{
    private static int Main(string[] args)
    {
        string path = args.Length > 0 ? args[0] : "logger";
        try
        {
            // Log lines are short: messages over 256 bytes fail at the writer.
            // A real collector would wait forever; this one gives up after 10 s
            // without a message (MailslotTimeoutException), so that it ends
            // even if the writer fails.
            using (var reader = new Reader(path, maxMessageSize: 256, readTimeoutMs: 10000))
            {
                Task collector = Task.Run(() =>
                {
                    for (string word = reader.ReadString(); word != "STOP"; word = reader.ReadString())
                        Console.WriteLine(word);
                });

                using (var writer = new Writer(@"\\*\mailslot\" + path))
                {
                    foreach (string word in new[] { "the", "quick", "brown", "fox", "STOP" })
                        writer.Write(word);
                } // written messages stay queued

                collector.Wait(); // rethrows the collector's exception, if any
            }
            return 0;
        }
        catch (AggregateException e)
        {
            Console.Error.WriteLine("logger: read: {0}", e.InnerException.Message);
        }
        catch (MailslotException e)
        {
            Console.Error.WriteLine("logger: {0}", e.Message);
        }
        return 1;
    }
}
