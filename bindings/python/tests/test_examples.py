# SPDX-License-Identifier: MIT
"""The examples (winsys's cookbook, in Python 3) run and print what they should."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import mailslot
from conftest import EXAMPLES, child_env, unique_name

WORDS = "the quick brown fox jumps over the lazy dog".split()


def run_example(script: str, *args: str) -> subprocess.CompletedProcess:
    path = os.path.join(EXAMPLES, script)
    if not os.path.exists(path):
        pytest.fail("missing example %s" % path)
    return subprocess.run([sys.executable, path, *args], env=child_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def test_network_logger():
    r = run_example("network_logger.py", unique_name("logger"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["the", "quick", "brown", "fox"]


def test_network_logger_split():
    """--reader and --writer: the two parts as two processes (here, on one host)."""
    slot = unique_name("logger_split")
    path = os.path.join(EXAMPLES, "network_logger.py")
    reader = subprocess.Popen([sys.executable, path, "--reader", slot], env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Ready once a probe reaches it (opening a local name needs its reader).
        deadline = time.monotonic() + 60
        while True:
            try:
                with mailslot.Mailslot(r"\\.\mailslot\%s" % slot) as probe:
                    probe.put("probe")
                break
            except mailslot.NotFound:
                assert reader.poll() is None, reader.stderr.read()
                assert time.monotonic() < deadline, "the reader never became ready"
                time.sleep(0.005)  # between checks of the condition, not instead of one
        w = run_example("network_logger.py", "--writer", slot)
        assert w.returncode == 0, w.stderr
        out, err = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert reader.returncode == 0, err
    assert out.splitlines() == ["probe", "the", "quick", "brown", "fox"]


def test_network_logger_usage():
    r = run_example("network_logger.py", "--both")
    assert r.returncode != 0
    assert "usage:" in r.stderr


def test_local_mailslot_interleaved():
    r = run_example("local_mailslot.py", unique_name("reader"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == WORDS


def test_iterable_mailslot():
    r = run_example("iterable_mailslot.py", unique_name("iterable"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["0 messages waiting"] + WORDS


@pytest.mark.parametrize("script", ["network_logger.py", "local_mailslot.py", "iterable_mailslot.py"])
def test_examples_import_winsys_style(script):
    with open(os.path.join(EXAMPLES, script), encoding="utf-8") as f:
        assert "import mailslot as ipc\n" in f.read()
