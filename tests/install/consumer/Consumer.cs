// SPDX-License-Identifier: MIT
// Round trip through an installed Mailslot.dll (usage: mono consumer.exe NAME),
// then the assembly's identity, one "Key=value" a line, for the test to check.
using System;
using System.Linq;
using System.Reflection;
using Mailslot;

internal static class Consumer
{
    private static int Main(string[] args)
    {
        using (var reader = new Reader(args[0], readTimeoutMs: 10000))
        using (var writer = new Writer(args[0]))
        {
            writer.Write("installed");
            string got = reader.ReadString();
            if (got != "installed")
            {
                Console.Error.WriteLine("consumer.exe: read '{0}'", got);
                return 1;
            }
        }
        Assembly a = typeof(Reader).Assembly;
        Console.WriteLine("Location={0}", a.Location);
        Console.WriteLine("Version={0}", a.GetName().Version);
        Console.WriteLine("FileVersion={0}", Attribute<AssemblyFileVersionAttribute>(a).Version);
        Console.WriteLine("InformationalVersion={0}",
                          Attribute<AssemblyInformationalVersionAttribute>(a).InformationalVersion);
        Console.WriteLine("Title={0}", Attribute<AssemblyTitleAttribute>(a).Title);
        Console.WriteLine("Description={0}", Attribute<AssemblyDescriptionAttribute>(a).Description);
        Console.WriteLine("Copyright={0}", Attribute<AssemblyCopyrightAttribute>(a).Copyright);
        var license = a.GetCustomAttributes<AssemblyMetadataAttribute>().First(m => m.Key == "License");
        Console.WriteLine("License={0}", license.Value);
        return 0;
    }

    private static T Attribute<T>(Assembly a) where T : Attribute
    {
        return a.GetCustomAttribute<T>();
    }
}
