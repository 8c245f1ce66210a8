# SPDX-License-Identifier: MIT
"""mailslot.query(): a reader's settings and counters, asked of the reader of
a local name in any process (mailslot_query, C library 1.1), with both
backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

import mailslot
from mailslot import Mailslot

POSIX = os.name == "posix"


@pytest.mark.skipif(not POSIX, reason="a Windows mailslot cannot be asked")
def test_query_reads_the_readers_settings_and_counters(name):
    reader = Mailslot(name, message_size=300, queue_limit=9)
    reader.qsize()  # becomes the reader
    writer = Mailslot(name)
    try:
        writer.put(b"one")
        writer.put(b"two")
        assert reader.qsize() == 2
        got = mailslot.query(name)
        assert list(got)[:6] == [
            "max_message_size", "queue_limit", "allow_any_user", "network", "keys", "messages_waiting"
        ]
        assert got["max_message_size"] == 300
        assert got["queue_limit"] == 9
        assert got["messages_waiting"] == 2
        assert got["keys"] == 0
        assert got["network"] == 0  # conftest: MAILSLOT_NETWORK=0
        assert got["net_received"] == 0 and got["auth_unverified"] == 0
        assert len(got) == 6 + len(mailslot._constants.COUNTERS)
        assert reader.get() == "one"
        assert mailslot.query(mailslot.canonical_name(name), timeout=None)["messages_waiting"] == 1
    finally:
        writer.close()
        reader.close()


def test_query_without_reader_raises_NotFound(name):
    with pytest.raises(mailslot.NotFound if POSIX else mailslot.SystemFailure):
        mailslot.query(name)


@pytest.mark.parametrize("bad", ["", "a//b", "\\\\.\\pipe\\x", "\\\\*\\mailslot\\x", "a\0b"])
def test_query_of_a_bad_or_remote_name_raises_InvalidName(bad):
    with pytest.raises((mailslot.InvalidName, ValueError)):
        mailslot.query(bad)


@pytest.mark.skipif(not POSIX, reason="SIGSTOP")
def test_query_of_a_stopped_reader_raises_Empty(name):
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, mailslot; r = mailslot.Mailslot(sys.argv[1]); r.qsize(); print('ready', flush=True);"
         " sys.stdin.read()", name],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert mailslot.query(name)["queue_limit"] == 65536
        os.kill(child.pid, signal.SIGSTOP)
        # kill() returns before every thread of the child has stopped (its
        # I/O thread could still answer): wait until the stop is complete.
        _, status = os.waitpid(child.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status)
        with pytest.raises(mailslot.Empty):
            mailslot.query(name, timeout=0.1)
        os.kill(child.pid, signal.SIGCONT)
        assert mailslot.query(name, timeout=None)["messages_waiting"] == 0
    finally:
        os.kill(child.pid, signal.SIGCONT)
        child.stdin.close()
        child.wait(20)
