#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""put+get from Python on each backend of the mailslot package, beside a raw
AF_UNIX SOCK_SEQPACKET socketpair, measured side by side in one run. A
benchmark, not a test: it prints figures and ratios and fails only when a
measurement could not be made.

    MAILSLOT_LIBRARY=build/release/libmailslot.so.1 \\
    PYTHONPATH=bindings/python/src:build/release/bindings/swig/python \\
    python3 bindings/python/bench/bench_putget.py [--count N] [--size BYTES] [--repeat R]

(``cmake --build <dir> --target python_bench`` runs it with those paths.) It
measures the package of its own tree (``../src``), whatever PYTHONPATH says,
so that a copy of it in another checkout measures that checkout's package.

Rows, per operation (a put and its get):
  one thread    put then get in the same thread (no wait: the message is
                there); "calls only" is the backend's write and read alone,
                without the Mailslot layer above them; "layer alone" is the
                Mailslot layer over a backend that only keeps a deque (no C)
  two threads   a ping-pong: the main thread puts and waits for the echo of
                a thread blocked in get(); per round trip (two messages, two
                wake-ups)

Each row runs --repeat times, the rows interleaved so that a burst of load
from other processes falls on all of them alike; the best run counts. The
one-thread rows count the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: what a
busy machine takes away while the thread waits for a CPU is not counted),
the two-thread rows the time on the wall (their waits are what they
measure). The ratio column divides by the raw socket's row of the same kind.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

if __package__ in (None, ""):
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(_here, "..", "src"))

import mailslot  # noqa: E402
from mailslot import _slot  # noqa: E402

#: A measurement: runs n operations.
Run = Callable[[int], None]

_names = iter(range(1, 1 << 30))


def _unique(tag: str) -> str:
    return "bench_putget_%d_%s_%d" % (os.getpid(), tag, next(_names))


def _backends() -> Tuple[Dict[str, Any], List[str]]:
    """Every backend that loads here, by name, and why the others did not."""
    from mailslot import _ctypes_backend, _swig_backend

    found: Dict[str, Any] = {}
    missing: List[str] = []
    for name, module in (("ctypes", _ctypes_backend), ("swig", _swig_backend)):
        try:
            found[name] = module.load()
        except ImportError as e:
            missing.append("%s: %s" % (name, e))
    return found, missing


def _slots(backend: Any, serialiser: mailslot.Serialiser) -> Tuple[mailslot.Mailslot, mailslot.Mailslot]:
    """A reader and a writer of a fresh name on this backend."""
    saved = _slot._backend
    _slot._set_backend(backend)
    try:
        name = _unique(backend.name)
        reader = mailslot.Mailslot(name, serialiser)
        reader.qsize()  # becomes the reader
        writer = mailslot.Mailslot(name, serialiser)
    finally:
        _slot._set_backend(saved)
    return reader, writer


class StubBackend:
    """A backend without the library: each reader a deque. put+get on it
    costs what the Mailslot layer costs, and nothing else."""

    name = "stub"

    def __init__(self, real: Any) -> None:
        self.real = real  # for names
        self.version = real.version
        self.queues: Dict[str, Any] = {}

    def canonical(self, name: str) -> str:
        return str(self.real.canonical(name))

    def create(self, name: str, *args: Any) -> Any:
        import collections

        q: Any = collections.deque()
        self.queues[self.canonical(name)] = q
        return q

    def open(self, name: str, *args: Any) -> Any:
        return self.queues[self.canonical(name)]

    def write(self, writer: Any, data: bytes) -> None:
        writer.append(data)

    def poll(self, reader: Any) -> Optional[bytes]:
        return reader.popleft() if reader else None

    def read(self, reader: Any, timeout_ms: int) -> bytes:
        if not reader:
            raise mailslot.Empty("none")
        return reader.popleft()  # type: ignore[no-any-return]

    def info(self, reader: Any) -> Tuple[int, Optional[int], int, int]:
        return 0, (len(reader[0]) if reader else None), len(reader), -1

    def reader_close(self, reader: Any) -> None:
        pass

    writer_close = reader_close


# ---- one thread -------------------------------------------------------------


def socket_one(size: int) -> Run:
    tx, rx = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    payload = b"x" * size

    def run(n: int) -> None:
        send, recv = tx.send, rx.recv
        for _ in range(n):
            send(payload)
            recv(65536)

    return run


def mailslot_one(backend: Any, size: int, serialiser: mailslot.Serialiser) -> Run:
    reader, writer = _slots(backend, serialiser)
    payload: Any = "x" * size if serialiser is mailslot.TEXT else b"x" * size

    def run(n: int) -> None:
        put, get = writer.put, reader.get
        for _ in range(n):
            put(payload)
            get()

    return run


def calls_one(backend: Any, size: int) -> Run:
    """The backend's calls alone: what the Mailslot layer adds is the rest."""
    name = _unique(backend.name + "_calls")
    r = backend.create(name, 0, -1, 65536, False)
    w = backend.open(name)
    payload = b"x" * size

    def run(n: int) -> None:
        write, read = backend.write, backend.read
        for _ in range(n):
            write(w, payload)
            read(r, 0)

    return run


# ---- two threads --------------------------------------------------------------


def _echo_run(send: Callable[[], None], receive: Callable[[], Any], echo: Callable[[], None]) -> Run:
    def run(n: int) -> None:
        def other() -> None:
            for _ in range(n):
                echo()

        t = threading.Thread(target=other)
        t.start()
        for _ in range(n):
            send()
            receive()
        t.join()

    return run


def socket_two(size: int) -> Run:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    payload = b"x" * size
    return _echo_run(lambda: a.send(payload), lambda: a.recv(65536), lambda: b.send(b.recv(65536)))


def mailslot_two(backend: Any, size: int) -> Run:
    there, to_there = _slots(backend, mailslot.BYTES)
    back, to_back = _slots(backend, mailslot.BYTES)
    payload = b"x" * size
    return _echo_run(lambda: to_there.put(payload), back.get, lambda: to_back.put(there.get()))


# ---- the run ----------------------------------------------------------------------


def measure(rows: List[Tuple[str, Run, int]], repeat: int, clock: Callable[[], float]) -> List[float]:
    """Best µs per operation of each row by clock, the rows interleaved."""
    best: List[Optional[float]] = [None] * len(rows)
    for _ in range(repeat):
        for i, (_, run, n) in enumerate(rows):
            t0 = clock()
            run(n)
            us = (clock() - t0) / n * 1e6
            old = best[i]
            best[i] = us if old is None else min(old, us)
    return [b if b is not None else 0.0 for b in best]


def table(title: str, rows: List[Tuple[str, Run, int]], repeat: int, clock: Callable[[], float]) -> None:
    figures = measure(rows, repeat, clock)
    base = figures[0]
    print("%-44s %9s %8s" % (title, "us/op", "x raw"))
    for (label, _, _), us in zip(rows, figures):
        print("%-44s %9.2f %8.2f" % (label, us, us / base))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=50000, help="operations per one-thread run")
    ap.add_argument("--size", type=int, default=16, help="message size in bytes")
    ap.add_argument("--repeat", type=int, default=7, help="runs of each row; the best counts")
    ap.add_argument("--quick", action="store_true", help="a smoke run: few operations, two runs")
    args = ap.parse_args()
    if args.quick:
        args.count, args.repeat = 2000, 2
    n, size = args.count, args.size
    n2 = max(1, n // 10)  # round trips are slower: fewer of them

    backends, missing = _backends()
    print("mailslot %s, library %s, Python %s; default backend: %s" % (
        mailslot.__version__, mailslot.library_version(), sys.version.split()[0], mailslot.backend))
    for why in missing:
        print("not measured: %s" % why)
    print("%d bytes a message; best of %d runs" % (size, args.repeat))

    one: List[Tuple[str, Run, int]] = [("raw socketpair SEQPACKET send+recv", socket_one(size), n)]
    two: List[Tuple[str, Run, int]] = [("raw socketpair SEQPACKET", socket_two(size), n2)]
    if backends:
        stub = StubBackend(next(iter(backends.values())))
        one.append(("Mailslot layer alone (BYTES, no C)", mailslot_one(stub, size, mailslot.BYTES), n))
        one.append(("Mailslot layer alone (TEXT, no C)", mailslot_one(stub, size, mailslot.TEXT), n))
    for name, backend in backends.items():
        one.append(("%s put+get (BYTES)" % name, mailslot_one(backend, size, mailslot.BYTES), n))
        one.append(("%s put+get (TEXT, the default)" % name, mailslot_one(backend, size, mailslot.TEXT), n))
        one.append(("%s backend calls only" % name, calls_one(backend, size), n))
        two.append(("%s put/get (BYTES)" % name, mailslot_two(backend, size), n2))
    print()
    table("one thread (CPU time)", one, args.repeat, time.thread_time)
    print()
    table("two threads, per round trip (wall time)", two, args.repeat, time.perf_counter)


if __name__ == "__main__":
    main()
