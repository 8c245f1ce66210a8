// SPDX-License-Identifier: MIT
// one_source_check.cs -- what the C# assembly binds of the counters, for
// tests/abi/one_source_check.py: a line "stat MEMBER KEY VALUE" per member of
// StatKey, with the value a new reader's Stats() property of that name holds
// (-1 when ReaderStats has no such property). Usage: mono check.exe NAME

using System;
using Mailslot;

public static class OneSourceCheck
{
    public static int Main(string[] args)
    {
        using (var reader = new Reader(args[0]))
        {
            ReaderStats stats = reader.Stats();
            foreach (StatKey key in Enum.GetValues(typeof(StatKey)))
            {
                var property = typeof(ReaderStats).GetProperty(key.ToString());
                long value = property == null ? -1 : (long)property.GetValue(stats, null);
                Console.WriteLine("stat " + key + " " + (int)key + " " + value);
            }
        }
        return 0;
    }
}
