# SPDX-License-Identifier: MIT
"""Python and C share a slot: messages written by the C `mailslot` tool are
read in Python, and messages put from Python are printed by the tool."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

import mailslot
from mailslot import Mailslot

CLI = os.environ.get("MAILSLOT_CLI", "")

pytestmark = pytest.mark.skipif(
    not (CLI and os.access(CLI, os.X_OK)), reason="MAILSLOT_CLI does not name the mailslot tool"
)


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60, **kw)


class Listener:
    """A `mailslot listen` child, and the lines it printed."""

    def __init__(self, name: str, *args: str) -> None:
        self.proc = subprocess.Popen([CLI, "listen", name, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def readline(self) -> str:
        line = self.proc.stdout.readline()
        assert line, "the listener ended: %s" % self.proc.stderr.read()
        return line.rstrip("\n")

    def wait_ready(self, writer: Mailslot, probe: object = "probe", printed: str = "probe") -> None:
        """Puts a probe until the listener owns the name, then reads its line
        back: from here on the listener is receiving."""
        deadline = time.monotonic() + 30
        while True:
            try:
                writer.put(probe)
                break
            except mailslot.NotFound:
                assert self.proc.poll() is None, self.proc.stderr.read()
                assert time.monotonic() < deadline, "the listener never owned its name"
                time.sleep(0.005)  # between checks of the condition, not instead of one
        assert self.readline() == printed

    def finish(self) -> int:
        try:
            self.proc.wait(60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def test_message_written_by_c_is_read_in_python(pair, name):
    reader, _ = pair
    r = cli("send", name, "hello from C", "grüße")
    assert r.returncode == 0, r.stderr
    assert reader.get(timeout_ms=60000) == "hello from C"
    assert reader.get(timeout_ms=60000) == "grüße"


def test_lines_of_stdin_sent_by_c_arrive_in_order(pair, name):
    reader, _ = pair
    r = cli("send", "\\\\*\\mailslot\\" + name, input="one\ntwo\n\nthree\n")
    assert r.returncode == 0, r.stderr
    assert [reader.get(timeout_ms=60000) for _ in range(4)] == ["one", "two", "", "three"]


def test_binary_message_from_c_with_the_bytes_serialiser(name):
    reader = Mailslot(name, mailslot.BYTES)
    reader.qsize()
    assert cli("send", name, "\x01\x02 bytes").returncode == 0
    assert reader.get(timeout_ms=60000) == b"\x01\x02 bytes"
    reader.close()


def test_message_put_in_python_is_printed_by_c(name):
    listener = Listener(name, "--count", "3")
    writer = mailslot.mailslot(name)
    listener.wait_ready(writer)
    writer.put("hello from Python")
    writer.put("Ünïcödé ✓")
    assert listener.readline() == "hello from Python"
    assert listener.readline() == "Ünïcödé ✓"
    assert listener.finish() == 0
    writer.close()


def test_json_from_python_is_text_for_c(name):
    listener = Listener(name, "--count", "2")
    writer = Mailslot(name, mailslot.JSON)
    listener.wait_ready(writer, printed='"probe"')
    writer.put({"level": "info", "msg": "started"})
    assert listener.readline() == '{"level":"info","msg":"started"}'
    assert listener.finish() == 0
    writer.close()


def test_bytes_from_python_are_printed_exactly_by_c(name):
    listener = Listener(name, "--count", "2", "--hex")
    writer = Mailslot(name, mailslot.BYTES)
    listener.wait_ready(writer, b"probe", b"probe".hex())
    payload = bytes(range(256))
    writer.put(payload)
    assert listener.readline() == payload.hex()
    assert listener.finish() == 0
    writer.close()


def test_round_trip_python_to_c_and_back(name):
    # Python puts to a C listener; what it prints goes back to a Python
    # reader through the C writer (`mailslot send`).
    back = name + "_back"
    reader = Mailslot(back)
    reader.qsize()
    listener = Listener(name, "--count", "2")
    writer = Mailslot(name)
    listener.wait_ready(writer)
    writer.put("ping ✓ from Python")
    line = listener.readline()
    assert line == "ping ✓ from Python"
    assert listener.finish() == 0
    assert cli("send", back, line).returncode == 0
    assert reader.get(timeout_ms=60000) == "ping ✓ from Python"
    reader.close()
    writer.close()


def test_c_listener_owns_the_name(name):
    listener = Listener(name, "--count", "2")
    writer = Mailslot(name)
    listener.wait_ready(writer)
    with pytest.raises(mailslot.Exists):
        Mailslot(name).qsize()  # the C reader holds the name (another process)
    writer.put("last")
    assert listener.readline() == "last"
    assert listener.finish() == 0
    writer.close()
