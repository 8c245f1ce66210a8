# SPDX-License-Identifier: MIT
"""crosslang.py -- every language's writer against every language's reader.

    crosslang.py [--cli MAILSLOT] [--mono MONO --csharp PEER.EXE] [--lua LUA]

Python (mailslot_swig, peer.py next to this file) always takes part; C (the
`mailslot` tool: `listen --count --hex` reads, `send` writes text lines), C#
(Peer.cs compiled) and Lua (peer.lua next to this file) when given. For each
reader language in turn, the driver starts a reader on a slot of its own, waits
until the reader owns the slot, runs every language's writer once, and checks
that the reader printed each writer's messages intact and in that writer's
order (messages of different writers may interleave). Each (reader, writer)
pair is one check, and each reader's run (it owned its slot, every writer and
the reader exited 0) is one more; the last line is "N passed, M failed".

Every writer sends non-ASCII UTF-8 text and a 60,000-byte message; every
writer except C (the tool sends text lines only) sends binary bytes with zeros.
"""

import argparse
import itertools
import os
import subprocess
import sys
import time

import mailslot_swig as ms

HERE = os.path.dirname(os.path.abspath(__file__))
READY_TIMEOUT_S = 30  # a reader that never owns its slot fails the test
RUN_TIMEOUT_S = 60  # no single process may take longer
LARGE = 60000

_counter = itertools.count(1)


def slot_name(reader_lang):
    """A slot no other test uses: this process's id and a counter."""
    return "crosslang-%d-%d-%s" % (os.getpid(), next(_counter), reader_lang)


def messages(writer_lang, binary):
    """What writer_lang sends: every message names its writer, so that the
    reader's output can be split per writer."""
    tag = writer_lang.encode()
    msgs = [
        tag + b": the quick brown fox",
        tag + " : héllo wörld — ünïcödé ✓ 日本語 🚀".encode(),
    ]
    if binary:
        msgs.append(tag + b"\x00\x01\x02\x00\xff\xfe" + bytes(range(256)) + b"\x00")
    body = bytes((i * 7 + len(tag)) % 256 for i in range(LARGE - len(tag)))
    if not binary:  # text: printable ASCII, no newline
        body = bytes(0x21 + b % 94 for b in body)
    msgs.append(tag + body)
    assert len(msgs[-1]) == LARGE
    return msgs


class Language:
    """One language: how to start its reader and its writer."""

    def __init__(self, name, reader, writer, binary, prints_ready):
        self.name = name
        self.reader = reader  # (slot, count) -> argv
        self.writer = writer  # slot -> argv
        self.binary = binary  # sends any bytes (else text lines)
        self.prints_ready = prints_ready  # the reader prints "ready" once it owns the slot
        self.sends = messages(name, binary)

    def stdin_for(self):
        if self.binary:
            return b"".join(m.hex().encode() + b"\n" for m in self.sends)
        return b"".join(m + b"\n" for m in self.sends)


def languages(args):
    langs = []
    if args.cli:
        langs.append(Language(
            "c",
            lambda slot, n: [args.cli, "listen", slot, "--count", str(n), "--hex",
                             "--timeout", "20000"],
            lambda slot: [args.cli, "send", slot],
            binary=False, prints_ready=False))
    py = os.path.join(HERE, "peer.py")
    langs.append(Language(
        "python",
        lambda slot, n: [sys.executable, py, "read", slot, str(n)],
        lambda slot: [sys.executable, py, "write", slot],
        binary=True, prints_ready=True))
    if args.csharp:
        langs.append(Language(
            "csharp",
            lambda slot, n: [args.mono, "--debug", args.csharp, "read", slot, str(n)],
            lambda slot: [args.mono, "--debug", args.csharp, "write", slot],
            binary=True, prints_ready=True))
    if args.lua:
        lua = os.path.join(HERE, "peer.lua")
        langs.append(Language(
            "lua",
            lambda slot, n: [args.lua, lua, "read", slot, str(n)],
            lambda slot: [args.lua, lua, "write", slot],
            binary=True, prints_ready=True))
    return langs


def wait_until_owned(slot, proc):
    """For a reader that does not say "ready": retry opening a writer on the
    local name until it stops failing with E_NOT_FOUND."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            ms.Writer(slot).close()
            return None
        except ms.Error as e:
            if e.code != ms.E_NOT_FOUND:
                return "probing the slot: %s" % e
        if proc.poll() is not None:
            return "the reader exited with status %d before owning its slot" % proc.returncode
        if time.monotonic() > deadline:
            return "the reader did not own its slot within %d s" % READY_TIMEOUT_S


def run_reader(reader, writers):
    """Runs one reader with every writer. Returns (problem or None, messages the
    reader printed, even when it failed: the pairs are judged on them)."""
    slot = slot_name(reader.name)
    count = sum(len(w.sends) for w in writers)
    proc = subprocess.Popen(reader.reader(slot, count), stdout=subprocess.PIPE)
    problem = None
    try:
        if reader.prints_ready:
            line = proc.stdout.readline()
            if line != b"ready\n":
                problem = "the reader said %r instead of ready" % line
        else:
            problem = wait_until_owned(slot, proc)
        for w in writers if problem is None else []:
            done = subprocess.run(w.writer(slot), input=w.stdin_for(), timeout=RUN_TIMEOUT_S)
            if done.returncode != 0:
                problem = "the %s writer exited with status %d" % (w.name, done.returncode)
                proc.kill()
                break
        out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
        if problem is None and proc.returncode != 0:
            problem = "the reader exited with status %d" % proc.returncode
    except subprocess.TimeoutExpired as e:
        proc.kill()
        out, _ = proc.communicate()
        problem = "timed out: %s" % e
    return problem, [bytes.fromhex(line) for line in out.decode().splitlines()]


def check_pair(received, writer, all_writers):
    """None if the reader got exactly the writer's messages, in its order."""
    known = {m for w in all_writers for m in w.sends}
    strangers = [m for m in received if m not in known]
    if strangers:
        return "%d unexpected message(s), the first %r..." % (len(strangers), strangers[0][:40])
    mine = set(writer.sends)
    got = [m for m in received if m in mine]
    if got != writer.sends:
        return "expected sizes %s, got %s" % ([len(m) for m in writer.sends], [len(m) for m in got])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", help="the mailslot tool (C reader and writer)")
    parser.add_argument("--mono", default="mono")
    parser.add_argument("--csharp", help="CrossLangPeer.exe (C# reader and writer)")
    parser.add_argument("--lua", help="a Lua 5.4 interpreter (peer.lua reader and writer)")
    langs = languages(parser.parse_args())
    if len(langs) < 2:
        sys.exit("crosslang.py: needs at least one language besides Python")

    passed = failed = 0

    def report(what, problem):
        nonlocal passed, failed
        if problem:
            failed += 1
            print("FAIL %s: %s" % (what, problem), flush=True)
        else:
            passed += 1
            print("ok   %s" % what, flush=True)

    for reader in langs:
        problem, received = run_reader(reader, langs)
        for writer in langs:
            report("%s -> %s (%d messages)" % (writer.name, reader.name, len(writer.sends)),
                   check_pair(received, writer, langs))
        report("%s reader ran and exited 0" % reader.name, problem)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
