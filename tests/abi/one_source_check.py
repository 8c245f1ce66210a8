# SPDX-License-Identifier: MIT
"""one_source_check.py -- every consumer of abi/constants.txt has every row it
must have: each counter (MAILSLOT_STAT_*), each value marked settings and each
value marked query, asked of a live reader the way a program would ask.

    one_source_check.py --table T --package-src DIR --library LIB [--cli EXE]
                        [--lua LUA --lua-cpath DIR] [--mcs MCS --mono MONO --csharp-dir DIR]
                        --work DIR [--expect NAME]

Consumers: the Python package (NetworkStats' fields and .dropped, stats(),
ReaderSettings' fields and settings(), query()), the CLI (`mailslot stats`),
the Lua module (r:stats(), r:settings()) and the C# assembly (StatKey,
ReaderStats). Each missing row is a line "CONSUMER: ..." and the exit status
is 1; --expect NAME also requires counter NAME (e.g. test_extra) to be in the
table. The forwarder is not asked here: src/net/forward.c does not compile
without a line for every counter (tests/abi/one_source_test.sh shows it)."""

import argparse
import dataclasses
import os
import subprocess
import sys

failures = []


def fail(consumer, what):
    failures.append("%s: %s" % (consumer, what))


def read_table(path):
    """(counters [(name, key, dropped)], settings [(field, key, flag)], query [(field, key)])."""
    counters, settings, query = [], [], []
    with open(path) as table:
        for line in table:
            cells = line.split("#")[0].split()
            if not line.startswith("MAILSLOT_"):
                continue
            name, key = cells[0], int(cells[1])
            use = cells[3] if len(cells) > 3 else ""
            if name.startswith("MAILSLOT_STAT_"):
                counters.append((name[len("MAILSLOT_STAT_"):].lower(), key, use == "dropped"))
            elif ":" in use:
                field, where = use.split(":")
                tags = where.split(",")
                if "settings" in tags:
                    settings.append((field, key, "flag" in tags))
                if "query" in tags:
                    query.append((field, key))
    return counters, settings, query


def pascal(name):
    return "".join(word.capitalize() for word in name.split("_"))


def check_python(mailslot, name, counters, settings, query):
    """The package's classes, and what a reader of this process reports."""
    stat_fields = [f.name for f in dataclasses.fields(mailslot.NetworkStats)]
    want = [c[len("net_"):] if c.startswith("net_") else c for c, _, _ in counters]
    for field in want:
        if field not in stat_fields:
            fail("python NetworkStats", "no field %s" % field)
    for (counter, _, dropped), field in zip(counters, want):
        if field in stat_fields and mailslot.NetworkStats(**{field: 1}).dropped != int(dropped):
            fail("python NetworkStats.dropped", "%s is %s" % (field, "left out" if dropped else "added"))
    setting_fields = [f.name for f in dataclasses.fields(mailslot.ReaderSettings)]
    for field, _, _ in settings:
        if field not in setting_fields:
            fail("python ReaderSettings", "no field %s" % field)
    with mailslot.Mailslot(name) as reader:
        stats = dataclasses.asdict(reader.stats())
        for field in want:
            if stats.get(field) != 0:
                fail("python Mailslot.stats()", "%s is %r, not 0" % (field, stats.get(field)))
        got = dataclasses.asdict(reader.settings())
        for field, _, _ in settings:
            if field not in got:
                fail("python Mailslot.settings()", "no %s" % field)
        answer = mailslot.query(name)
        for field in [f for f, _ in query] + [c for c, _, _ in counters]:
            if field not in answer:
                fail("python mailslot.query()", "no %s" % field)


def check_cli(cli, name, counters, query):
    """`mailslot stats NAME`: one line per value marked query, then per counter."""
    out = subprocess.run([cli, "stats", name], stdout=subprocess.PIPE, universal_newlines=True, check=False)
    keys = [line.split(":")[0] for line in out.stdout.splitlines()]
    want = [f for f, _ in query] + [c for c, _, _ in counters]
    if out.returncode != 0 or keys != want:
        missing = [k for k in want if k not in keys]
        fail("cli mailslot stats", "exit %d, lines %s; missing %s" % (out.returncode, keys, missing))


def check_lua(lua, cpath, name, counters, settings):
    code = """
local m = require("mailslot")
local r <close> = m.Reader(arg[1])
for k, v in pairs(r:stats()) do print("stats " .. k .. " " .. tostring(v)) end
for k, v in pairs(r:settings()) do print("settings " .. k .. " " .. tostring(v)) end
"""
    env = dict(os.environ, LUA_CPATH=os.path.join(cpath, "?.so"))
    out = subprocess.run([lua, "-", name], input=code, stdout=subprocess.PIPE, universal_newlines=True,
                         env=env, check=False)
    if out.returncode != 0:
        fail("lua", "exit %d" % out.returncode)
        return
    seen = {}
    for line in out.stdout.splitlines():
        kind, key, value = line.split()
        seen[(kind, key)] = value
    for counter, _, _ in counters:
        if seen.get(("stats", counter)) != "0":
            fail("lua r:stats()", "%s is %r, not 0" % (counter, seen.get(("stats", counter))))
    for field, _, _ in settings:
        if ("settings", field) not in seen:
            fail("lua r:settings()", "no %s" % field)


def check_csharp(mcs, mono, csharp_dir, work, name, counters):
    exe = os.path.join(work, "one_source_check.exe")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "one_source_check.cs")
    dll = os.path.join(csharp_dir, "Mailslot.dll")
    built = subprocess.run([mcs, "-nologo", "-out:" + exe, "-r:" + dll, source], check=False)
    if built.returncode != 0:
        fail("csharp", "cannot compile %s against %s" % (source, dll))
        return
    env = dict(os.environ, MONO_PATH=csharp_dir)
    out = subprocess.run([mono, exe, name], stdout=subprocess.PIPE, universal_newlines=True, env=env,
                         check=False)
    if out.returncode != 0:
        fail("csharp", "exit %d" % out.returncode)
        return
    seen = {}
    for line in out.stdout.splitlines():
        _, member, key, value = line.split()
        seen[member] = (int(key), int(value))
    for counter, key, _ in counters:
        got = seen.get(pascal(counter))
        if got is None:
            fail("csharp StatKey", "no member %s" % pascal(counter))
        elif got != (key, 0):
            fail("csharp ReaderStats", "%s: key and value %r, not (%d, 0)" % (pascal(counter), got, key))


def main():
    parser = argparse.ArgumentParser()
    for option in ("--table", "--package-src", "--library", "--work"):
        parser.add_argument(option, required=True)
    for option in ("--cli", "--lua", "--lua-cpath", "--mcs", "--mono", "--csharp-dir", "--expect"):
        parser.add_argument(option)
    args = parser.parse_args()
    counters, settings, query = read_table(args.table)
    if args.expect and args.expect not in [c for c, _, _ in counters]:
        fail("table", "no counter %s in %s" % (args.expect, args.table))
    os.environ["MAILSLOT_LIBRARY"] = args.library
    os.environ.setdefault("MAILSLOT_NETWORK", "0")
    sys.path.insert(0, args.package_src)
    import mailslot  # noqa: E402 (the package and library given)

    name = "one-source-%d" % os.getpid()
    check_python(mailslot, name + "-py", counters, settings, query)
    with mailslot.Mailslot(name + "-cli") as reader:
        reader.qsize()  # a reader now
        if args.cli:
            check_cli(args.cli, name + "-cli", counters, query)
    if args.lua:
        check_lua(args.lua, args.lua_cpath, name + "-lua", counters, settings)
    if args.mcs:
        check_csharp(args.mcs, args.mono, args.csharp_dir, args.work, name + "-cs", counters)
    for line in failures:
        print("FAIL " + line)
    checked = ["python", "cli" if args.cli else "", "lua" if args.lua else "", "csharp" if args.mcs else ""]
    print("one_source_check: %d counters, %d settings, %d query values of %s; consumers %s: %d failures" % (
        len(counters), len(settings), len(query), args.table, " ".join(c for c in checked if c), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
