// SPDX-License-Identifier: MIT
// Interleaved.cs -- one thread that both writes and reads one slot, with the
// SWIG binding (namespace Mailslot); the C version is examples/c/interleaved.c.
//
// The loop never blocks: at random moments it writes a numbered message, and
// on every turn it looks for a message with a non-blocking read (timeout 0),
// which throws MailslotTimeoutException (a TimeoutException) when the queue
// is empty. After Writes messages it writes STOP, and it ends when it reads
// STOP. Messages from one writer arrive in order, so message i is read i-th.
//
// usage: mono Interleaved.exe [PATH]     PATH replaces "interleaved" as the slot's name

using System;
using Mailslot;

internal static class Interleaved
{
    private const int Writes = 20;

    private static int Main(string[] args)
    {
        string path = args.Length > 0 ? args[0] : "interleaved";
        var random = new Random();
        int written = 0, read = 0, empty = 0;
        try
        {
            // The reader first: a writer on a local name needs one.
            using (var reader = new Reader(path))
            using (var writer = new Writer(path))
            {
                for (bool stop = false; !stop;)
                {
                    // Write the next message, or STOP after the last one, at random moments.
                    if (written <= Writes && random.Next(3) == 0)
                    {
                        writer.Write(written < Writes ? "message " + written : "STOP");
                        written++;
                    }

                    // Read one message if one waits.
                    string message;
                    try
                    {
                        message = reader.ReadString(0);
                    }
                    catch (TimeoutException)
                    {
                        empty++; // nothing waits: not an error, do something else
                        continue;
                    }
                    Console.WriteLine("read " + message);
                    if (message == "STOP")
                    {
                        stop = true;
                    }
                    else if (message != "message " + read)
                    {
                        Console.Error.WriteLine("interleaved: expected \"message {0}\", read \"{1}\"", read, message);
                        return 1;
                    }
                    else
                    {
                        read++;
                    }
                }
            }
        }
        catch (MailslotException e)
        {
            Console.Error.WriteLine("interleaved: {0}", e.Message);
            return 1;
        }
        Console.WriteLine("wrote {0} messages, read {1}; {2} reads found the queue empty", Writes, read, empty);
        return read == Writes ? 0 : 1;
    }
}
