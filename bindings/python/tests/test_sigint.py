# SPDX-License-Identifier: MIT
"""Ctrl-C during a blocking get(): KeyboardInterrupt arrives promptly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import child_env

if os.name != "posix":
    pytest.skip("POSIX signals", allow_module_level=True)

CHILD = textwrap.dedent(
    """
    import sys, threading, time
    sys.path.insert(0, sys.argv[3])
    import mailslot
    from conftest import is_waiting, wait_until

    name, mode = sys.argv[1], sys.argv[2]
    reader = mailslot.Mailslot(name)
    reader.qsize()
    main = threading.main_thread()

    if mode == "other-thread":
        # The signal goes to another thread, not to the one blocked in get():
        # the main thread must notice it by itself (the wait is cut into slices).
        def kick():
            wait_until(lambda: is_waiting(main), "main waits")
            print("SIGNALLING", flush=True)
            import signal
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        threading.Thread(target=kick, daemon=True).start()

    t0 = time.monotonic()
    try:
        print("BLOCKING", flush=True)  # inside the try: a signal from here on counts
        reader.get(timeout_ms=-1)
    except KeyboardInterrupt:
        print("KeyboardInterrupt %.3f" % (time.monotonic() - t0), flush=True)
        reader.close()
        sys.exit(0)
    print("get returned", flush=True)
    sys.exit(1)
    """
)


def start_child(name: str, mode: str) -> subprocess.Popen:
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    env = child_env()
    env["PYTHONPATH"] = os.pathsep.join(p for p in [tests_dir, env.get("PYTHONPATH", "")] if p)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, name, mode, tests_dir],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(child: subprocess.Popen) -> str:
    try:
        out, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        pytest.fail("the child did not end: %s %s" % (out, err))
    assert child.returncode == 0, (out, err)
    return out


def test_sigint_to_the_process_interrupts_get(name):
    child = start_child(name, "plain")
    assert child.stdout.readline().strip() == "BLOCKING"  # it is about to block
    t0 = time.monotonic()
    child.send_signal(signal.SIGINT)
    out = finish(child)
    elapsed = time.monotonic() - t0
    assert "KeyboardInterrupt" in out
    assert elapsed < 5.0, elapsed  # generous: arrives within about 100 ms


def test_sigint_delivered_to_another_thread_still_interrupts_get(name):
    child = start_child(name, "other-thread")
    assert child.stdout.readline().strip() == "BLOCKING"
    assert child.stdout.readline().strip() == "SIGNALLING"
    t0 = time.monotonic()
    out = finish(child)
    assert "KeyboardInterrupt" in out
    assert time.monotonic() - t0 < 5.0
