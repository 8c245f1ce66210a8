#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-message cost of mailslot put+get from Python, beside a raw AF_UNIX
datagram socket round trip from Python. A measurement, not a test.

    MAILSLOT_LIBRARY=build/release/libmailslot.so \\
    PYTHONPATH=bindings/python/src python3 bindings/python/bench.py [--count N] [--size BYTES]

Rows (one process, best of --repeat runs; per message):
  ping-pong   one thread: one message written, then read, N times
  burst       one thread: N messages written, then N read (queue throughput)
  round trip  two threads: the main thread writes and waits for the echo of
              another thread blocked in get()/recv(); per round trip (two
              messages, two wake-ups). mailslot waits inside mailslot_read
              (the default) or, "poll", on mailslot_fd in Python.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from typing import Callable, List, Tuple

if __package__ in (None, ""):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "src"))

import mailslot  # noqa: E402


def best(fn: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def mailslot_rows(n: int, size: int, serialiser: mailslot.Serialiser, label: str) -> List[Tuple[str, Callable[[], None]]]:
    name = "bench_%d_%s" % (os.getpid(), label)
    reader = mailslot.Mailslot(name, serialiser, queue_limit=max(n + 16, 65536))
    reader.qsize()  # become the reader
    writer = mailslot.Mailslot(name, serialiser)
    payload: object = b"x" * size if serialiser is mailslot.BYTES else "x" * size
    writer.put(payload)
    reader.get()

    def pingpong() -> None:
        put, get = writer.put, reader.get
        for _ in range(n):
            put(payload)
            get()

    def burst() -> None:
        put, get = writer.put, reader.get
        for _ in range(n):
            put(payload)
        for _ in range(n):
            get()

    return [("mailslot %s ping-pong" % label, pingpong), ("mailslot %s burst" % label, burst)]


def backend_rows(n: int, size: int) -> List[Tuple[str, Callable[[], None]]]:
    """The backend's calls alone, without the Mailslot layer (locks, serialiser)."""
    b = mailslot._impl
    name = "bench_%d_raw" % os.getpid()
    r = b.create(name, 0, -1, max(n + 16, 65536), False)
    w = b.open(name)
    payload = b"x" * size

    def pingpong() -> None:
        write, read = b.write, b.read
        for _ in range(n):
            write(w, payload)
            read(r, 0)

    def burst() -> None:
        write, read = b.write, b.read
        for _ in range(n):
            write(w, payload)
        for _ in range(n):
            read(r, 0)

    label = "%s backend calls only" % mailslot.backend
    return [(label + " ping-pong", pingpong), (label + " burst", burst)]


def socket_rows(n: int, size: int) -> List[Tuple[str, Callable[[], None]]]:
    # A connected pair: the kernel bounds it by buffer bytes, not by
    # net.unix.max_dgram_qlen (which is as low as 10 on some systems).
    tx, rx = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    payload = b"x" * size
    chunk = 64  # datagrams in flight in the burst row: fits the default buffers

    def pingpong() -> None:
        send, recv = tx.send, rx.recv
        for _ in range(n):
            send(payload)
            recv(65536)

    def burst() -> None:
        send, recv = tx.send, rx.recv
        left = n
        while left:
            k = min(left, chunk)
            for _ in range(k):
                send(payload)
            for _ in range(k):
                recv(65536)
            left -= k

    return [("AF_UNIX SOCK_DGRAM ping-pong", pingpong), ("AF_UNIX SOCK_DGRAM burst (%d at a time)" % chunk, burst)]


def echo_rows(n: int, size: int) -> List[Tuple[str, Callable[[], None]]]:
    from mailslot import _slot

    rows: List[Tuple[str, Callable[[], None]]] = []
    payload = b"x" * size
    m = n // 10  # round trips are slower: fewer of them

    def mailslot_echo(mode: str) -> Callable[[], None]:
        def run() -> None:
            _slot._WAIT_MODE = mode
            tag = "%d_%d_%s" % (os.getpid(), threading.get_ident(), time.perf_counter_ns())
            there = mailslot.Mailslot("bench_there_" + tag, mailslot.BYTES)
            back = mailslot.Mailslot("bench_back_" + tag, mailslot.BYTES)
            there.qsize()
            back.qsize()
            to_there = mailslot.Mailslot("bench_there_" + tag, mailslot.BYTES)
            to_back = mailslot.Mailslot("bench_back_" + tag, mailslot.BYTES)

            def echo() -> None:
                for _ in range(m):
                    to_back.put(there.get())

            t = threading.Thread(target=echo)
            t.start()
            for _ in range(m):
                to_there.put(payload)
                back.get()
            t.join()
            for x in (there, back, to_there, to_back):
                x.close()
            _slot._WAIT_MODE = "c"
        return run

    def socket_echo() -> None:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)

        def echo() -> None:
            for _ in range(m):
                b.send(b.recv(65536))

        t = threading.Thread(target=echo)
        t.start()
        for _ in range(m):
            a.send(payload)
            a.recv(65536)
        t.join()
        a.close()
        b.close()

    rows.append(("AF_UNIX SOCK_DGRAM round trip (2 threads)", socket_echo))
    rows.append(("mailslot round trip (2 threads)", mailslot_echo("c")))
    if hasattr(__import__("select"), "poll"):
        rows.append(("mailslot round trip, poll mode (2 threads)", mailslot_echo("poll")))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    n, size = args.count, args.size
    print("mailslot %s (backend %s, library %s), Python %s" % (
        mailslot.__version__, mailslot.backend, mailslot.library_version(), sys.version.split()[0]))
    print("%d messages of %d bytes, best of %d runs" % (n, size, args.repeat))
    rows = []
    rows += socket_rows(n, size)
    rows += backend_rows(n, size)
    rows += mailslot_rows(n, size, mailslot.BYTES, "BYTES")
    rows += mailslot_rows(n, size, mailslot.TEXT, "TEXT")
    results = []
    for label, fn in rows:
        results.append((label, best(fn, args.repeat) / n * 1e6))
    base = results[0][1]
    print("%-45s %10s %8s" % ("", "us/msg", "x dgram"))
    for label, us in results:
        print("%-45s %10.2f %8.1f" % (label, us, us / base))
    echo = echo_rows(n, size)
    m = n // 10
    results = [(label, best(fn, args.repeat) / m * 1e6) for label, fn in echo]
    base = results[0][1]
    print("%-45s %10s %8s" % ("", "us/trip", "x dgram"))
    for label, us in results:
        print("%-45s %10.2f %8.1f" % (label, us, us / base))


if __name__ == "__main__":
    main()
