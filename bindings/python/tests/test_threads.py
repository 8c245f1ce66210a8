# SPDX-License-Identifier: MIT
"""Threads: close from another thread, many writers, many readers, the GIL,
the waiting strategies, and a close from a signal handler."""

from __future__ import annotations

import os
import select
import signal
import sys
import threading

import pytest

import mailslot
from mailslot import Mailslot, _slot

from conftest import Runner, is_waiting, wait_until, wait_until_waiting


@pytest.fixture(params=["c", "poll"])
def wait_mode(request, monkeypatch):
    """Runs a test with each waiting strategy: inside mailslot_read (the
    default) and poll on the descriptor in Python."""
    if request.param == "poll" and not hasattr(select, "poll"):
        pytest.skip("no select.poll here")
    monkeypatch.setattr(_slot, "_WAIT_MODE", request.param)
    return request.param


def test_close_from_another_thread_wakes_a_blocked_get(pair, wait_mode):
    reader, _ = pair
    getter = Runner(lambda: reader.get(timeout_ms=-1))
    getter.start()
    wait_until_waiting(getter)
    reader.close()  # returns once the handle is closed
    getter.finish()
    assert isinstance(getter.error, mailslot.Closed)
    assert getter.error.code == mailslot.E_CLOSED
    assert reader.closed


def test_close_wakes_every_blocked_thread_and_frees_the_name(name, wait_mode):
    reader = Mailslot(name)
    reader.qsize()
    getters = [Runner(lambda: reader.get()) for _ in range(6)]
    for g in getters:
        g.start()
    for g in getters:
        wait_until_waiting(g)
    reader.close()
    for g in getters:
        g.finish()
        assert isinstance(g.error, mailslot.Closed), g.error
    again = Mailslot(name)
    again.qsize()  # the name is free: close() returned after mailslot_reader_close
    again.close()


def test_iteration_ends_cleanly_when_closed_from_another_thread(pair, wait_mode):
    reader, writer = pair
    received = []
    first = threading.Event()

    def consume():
        for message in reader:
            received.append(message)
            first.set()
        return "ended"

    consumer = Runner(consume)
    consumer.start()
    writer.put("one")
    assert first.wait(20)
    wait_until_waiting(consumer)
    reader.close()
    assert consumer.finish() == "ended"
    assert consumer.error is None
    assert received == ["one"]


def test_a_thread_blocked_in_get_does_not_hold_the_gil(pair, wait_mode):
    reader, writer = pair
    getter = Runner(lambda: reader.get(timeout_ms=-1))
    getter.start()
    wait_until_waiting(getter)
    # This thread runs Python code while the other waits.
    total = sum(range(200000))
    assert total == 199999 * 200000 // 2
    writer.put("done")
    assert getter.finish() == "done"


def test_many_threads_putting_while_one_gets(name):
    writers_count, per_writer = 8, 500
    reader = Mailslot(name, mailslot.JSON)
    reader.qsize()
    shared = Mailslot(name, mailslot.JSON)  # one object shared by half the threads
    start = threading.Barrier(writers_count)

    def write(index):
        own = Mailslot(name, mailslot.JSON) if index % 2 else shared
        start.wait()
        for seq in range(per_writer):
            own.put([index, seq])
        if own is not shared:
            own.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers_count)]
    for t in threads:
        t.start()
    got = [reader.get(timeout_ms=60000) for _ in range(writers_count * per_writer)]
    for t in threads:
        t.join()
    assert reader.empty()
    # Everything arrived once; each thread's messages in its order. (The
    # shared writer serialises the puts of its threads; each thread's own
    # sequence is still in order.)
    by_writer = {}
    for index, seq in got:
        by_writer.setdefault(index, []).append(seq)
    assert sorted(by_writer) == list(range(writers_count))
    for index, seqs in by_writer.items():
        assert seqs == list(range(per_writer)), index
    shared.close()
    reader.close()


def test_many_readers_share_the_messages(name):
    reader = Mailslot(name)
    reader.qsize()
    writer = Mailslot(name)
    total = 2000
    results = [[] for _ in range(4)]

    def read(i):
        for message in reader:  # ends when the reader is closed
            results[i].append(message)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for i in range(total):
        writer.put(str(i))
    wait_until(lambda: sum(map(len, results)) == total, "every message was read")
    for t in threads:
        wait_until_waiting(t)
    reader.close()
    for t in threads:
        t.join(20)
        assert not t.is_alive()
    everything = sorted(int(m) for r in results for m in r)
    assert everything == list(range(total))  # each message to exactly one thread
    writer.close()


def test_close_while_other_threads_put(name):
    reader = Mailslot(name)
    reader.qsize()
    writer = Mailslot(name)
    writer.put("warm up")
    stop = threading.Event()
    outcomes = []

    def hammer():
        n = 0
        while not stop.is_set():
            try:
                writer.put("x")
                n += 1
            except mailslot.Closed:
                outcomes.append(("closed", n))
                return
            except mailslot.Full:
                pass
        outcomes.append(("stopped", n))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    wait_until(lambda: reader.qsize() > 100, "writers are busy")
    writer.close()
    for t in threads:
        t.join(20)
    stop.set()
    assert [o[0] for o in outcomes] == ["closed"] * 4
    reader.close()


def test_close_from_a_signal_handler_while_the_main_thread_waits(name):
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_kill"):
        pytest.skip("needs the main thread and pthread_kill")
    reader = Mailslot(name)
    reader.qsize()
    main = threading.main_thread()
    fired = []

    def handler(signo, frame):
        fired.append(signo)
        reader.close()  # re-entrant: the interrupted get() finishes the close

    old = signal.signal(signal.SIGUSR1, handler)
    try:
        def send_signal():
            wait_until(lambda: is_waiting(main), "the main thread waits in get()")
            signal.pthread_kill(main.ident, signal.SIGUSR1)

        sender = Runner(send_signal)
        sender.start()
        with pytest.raises(mailslot.Closed):
            reader.get(timeout_ms=-1)
        sender.finish()
    finally:
        signal.signal(signal.SIGUSR1, old)
    assert fired == [signal.SIGUSR1]
    again = Mailslot(name)
    again.qsize()  # the interrupted get() closed the handle as it left
    again.close()


def test_close_wakes_a_read_waiting_in_c_forever(pair, monkeypatch):
    monkeypatch.setattr(_slot, "_WAIT_MODE", "c")
    reader, _ = pair
    getter = Runner(lambda: reader.get(timeout_ms=-1))
    getter.start()
    # Wait until the thread is inside mailslot_read (the backend's read).
    wait_until(lambda: in_backend_read(getter), "the thread waits in mailslot_read")
    reader.close()
    getter.finish(60)
    assert isinstance(getter.error, mailslot.Closed)


def in_backend_read(thread):
    """True while thread is in the backend's read, called by _wait_c."""
    frame = sys._current_frames().get(thread.ident)
    if frame is None or frame.f_code.co_filename == _slot.__file__:
        return False
    while frame is not None and frame.f_code.co_name != "_wait_c":
        frame = frame.f_back
    return frame is not None


class LateReader:
    """A backend whose read() enters C only after close() has sent its first
    interrupt: the race that close() must survive."""

    def __init__(self, real):
        self.real = real
        self.interrupted = threading.Event()
        self.entering = threading.Event()

    def __getattr__(self, attr):
        return getattr(self.real, attr)

    def read(self, handle, timeout_ms):
        if timeout_ms != 0:
            self.entering.set()
            assert self.interrupted.wait(60)
        return self.real.read(handle, timeout_ms)

    def interrupt(self, handle):
        self.real.interrupt(handle)
        self.interrupted.set()


def test_close_wakes_a_read_that_entered_c_after_the_interrupt(pair, monkeypatch):
    monkeypatch.setattr(_slot, "_WAIT_MODE", "c")
    reader, _ = pair
    late = LateReader(reader._b)
    reader._b = late
    getter = Runner(lambda: reader.get(timeout_ms=-1))
    getter.start()
    assert late.entering.wait(60)  # the getter is about to enter C
    reader.close()  # interrupts, finds the read still in flight, interrupts again
    getter.finish(60)
    assert isinstance(getter.error, mailslot.Closed)
    assert late.interrupted.is_set()


def test_threads_reading_while_the_process_forks(pair):
    # A fork while another thread waits must leave the parent working.
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    reader, writer = pair
    getter = Runner(lambda: reader.get(timeout_ms=-1))
    getter.start()
    wait_until_waiting(getter)
    pid = os.fork()
    if pid == 0:
        os._exit(0 if reader.closed else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    writer.put("after fork")
    assert getter.finish() == "after fork"


class CloseWhenCounted(dict):
    """A Mailslot's count of calls in flight (_owners) that, as a call is
    counted, starts close() in another thread and lets the call go on only
    once close() has begun: the call must then see the close."""

    def __init__(self, slot):
        super().__init__()
        self.slot = slot
        self.closer = None

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if self.closer is None:
            self.closer = Runner(self.slot.close)
            self.closer.start()
            wait_until(lambda: self.slot._closing, "close() has begun")


class CountingBackend:
    """The backend, with the calls that reached read and write counted."""

    def __init__(self, real):
        self.real = real
        self.calls = 0

    def __getattr__(self, attr):
        return getattr(self.real, attr)

    def read(self, handle, timeout_ms):
        self.calls += 1
        return self.real.read(handle, timeout_ms)

    def write(self, handle, data):
        self.calls += 1
        return self.real.write(handle, data)


@pytest.mark.parametrize("side", ["reader", "writer"])
def test_a_close_that_begins_as_a_call_is_counted_stops_the_call(pair, side):
    # The unlocked way into a call counts it and then looks for a close:
    # a close that began in between is seen, the handle is never used.
    slot = pair[0] if side == "reader" else pair[1]
    if side == "writer":
        slot.put("becomes a writer")
        pair[0].get()
    backend = CountingBackend(slot._b)
    slot._b = backend
    slot._owners = CloseWhenCounted(slot)
    with pytest.raises(mailslot.Closed):
        if side == "reader":
            slot.get(timeout_ms=0)
        else:
            slot.put("never sent")
    slot._owners.closer.finish()
    assert backend.calls == 0
    assert slot.closed and slot._res.handle is None
