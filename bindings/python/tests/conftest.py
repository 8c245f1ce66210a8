# SPDX-License-Identifier: MIT
"""Shared fixtures of the mailslot Python suite.

Environment:
  MAILSLOT_LIBRARY        the libmailslot to test (CTest passes $<TARGET_FILE:mailslot>)
  MAILSLOT_BACKEND        ctypes or swig (unset: the faster that loads): the suite is the same for both
  MAILSLOT_CLI            the `mailslot` tool, for the C <-> Python tests
  MAILSLOT_CC             C compiler for the fake-library test (default: cc)
  MAILSLOT_TEST_INSTALLED 1: test the installed package, not ../src
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from typing import Callable, Dict, List, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "src"))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "examples", "python"))

if os.environ.get("MAILSLOT_TEST_INSTALLED") != "1" and SRC not in sys.path:
    sys.path.insert(0, SRC)

# The suite keeps to this host whoever runs it (CTest sets this too): a reader
# would otherwise join multicast groups, and "*" writes go out, on the real
# network. Tests of the network turn it on in their options, on the loopback
# interface only, with IP literals and member domains as targets (never a
# name that needs DNS), and write only to loopback.
os.environ["MAILSLOT_NETWORK"] = "0"

#: Keywords for a Mailslot that uses the network on loopback only.
LOOPBACK = {"network": True, "interface": "lo"}

import mailslot  # noqa: E402

_counter = itertools.count(1)


def unique_name(tag: str = "t") -> str:
    """A slot name no other test (or parallel run) uses: pid and a counter."""
    return "pytest_%s_%d_%d" % (tag, os.getpid(), next(_counter))


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    return unique_name(request.node.name[:40].replace("[", "_").replace("]", "_"))


@pytest.fixture
def pair(name: str):
    """A reader (already created) and a writer on a fresh name."""
    reader = mailslot.Mailslot(name)
    reader.qsize()
    writer = mailslot.Mailslot(name)
    yield reader, writer
    writer.close()
    reader.close()


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment for a Python child that imports the package under test."""
    env = dict(os.environ)
    if os.environ.get("MAILSLOT_TEST_INSTALLED") != "1":
        env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    if mailslot.backend == "ctypes" and os.path.isabs(mailslot.library_path):
        env.setdefault("MAILSLOT_LIBRARY", mailslot.library_path)
    if extra:
        env.update(extra)
    return env


def run_python(code: str, extra_env: Optional[Dict[str, str]] = None, args: Optional[List[str]] = None,
               timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code] + (args or []),
        env=child_env(extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )


def wait_until(cond: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Waits for a condition to hold (checking it, not trusting a delay)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting until %s" % what)
        time.sleep(0.001)


_WAIT_FUNCTIONS = {"_wait_poll", "_wait_c"}


def is_waiting(thread: threading.Thread) -> bool:
    """True while thread waits inside Mailslot.get for a message."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_name in _WAIT_FUNCTIONS:
            return True
        frame = frame.f_back
    return False


def wait_until_waiting(thread: threading.Thread) -> None:
    wait_until(lambda: is_waiting(thread) or not thread.is_alive(), "the thread waits in get()")
    assert thread.is_alive(), "the thread ended instead of waiting"


class Runner(threading.Thread):
    """A thread that records what its function returned or raised."""

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.fn = fn
        self.result: object = None
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as e:  # noqa: B902 - recorded for the test
            self.error = e

    def finish(self, timeout: float = 20.0) -> object:
        self.join(timeout)
        assert not self.is_alive(), "the thread did not finish"
        return self.result
