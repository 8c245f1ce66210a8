// SPDX-License-Identifier: MIT
// Peer.cs -- the C# side (namespace Mailslot) of the cross-language test.
//
//   mono CrossLangPeer.exe read NAME COUNT   create a reader on NAME, print "ready",
//                                            then print COUNT messages as lowercase
//                                            hex, one a line
//   mono CrossLangPeer.exe write NAME        send each line of standard input, given
//                                            in hex, as one message to NAME
//
// crosslang.py starts it; every peer (peer.py, peer.lua) takes the same
// arguments and speaks the same lines.

using System;
using System.Text;
using Mailslot;

internal static class Peer
{
    private const int ReadTimeoutMs = 20000; // a lost message fails the test instead of hanging it

    private static string ToHex(byte[] data)
    {
        var hex = new StringBuilder(data.Length * 2);
        foreach (byte b in data)
            hex.Append(b.ToString("x2"));
        return hex.ToString();
    }

    private static byte[] FromHex(string hex)
    {
        var data = new byte[hex.Length / 2];
        for (int i = 0; i < data.Length; i++)
            data[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
        return data;
    }

    private static void Read(string name, int count)
    {
        using (var reader = new Reader(name, readTimeoutMs: ReadTimeoutMs))
        {
            Console.WriteLine("ready");
            Console.Out.Flush();
            for (int i = 0; i < count; i++)
            {
                Console.WriteLine(ToHex(reader.Read()));
                Console.Out.Flush();
            }
        }
    }

    private static void Write(string name)
    {
        using (var writer = new Writer(name))
        {
            for (string line = Console.In.ReadLine(); line != null; line = Console.In.ReadLine())
                writer.Write(FromHex(line.Trim()));
        }
    }

    private static int Main(string[] args)
    {
        int count;
        try
        {
            if (args.Length == 3 && args[0] == "read" && int.TryParse(args[2], out count))
                Read(args[1], count);
            else if (args.Length == 2 && args[0] == "write")
                Write(args[1]);
            else
            {
                Console.Error.WriteLine("usage: CrossLangPeer.exe read NAME COUNT | CrossLangPeer.exe write NAME");
                return 2;
            }
            return 0;
        }
        catch (Exception e) when (e is MailslotException || e is TimeoutException)
        {
            Console.Error.WriteLine("Peer.cs: {0}", e.Message);
            return 1;
        }
    }
}
