"""The examples (winsys's cookbook, in Python 3) run and print what they should."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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
