# SPDX-License-Identifier: MIT
"""Every constant of abi/constants.txt reaches the package: its value in
_constants.py (and in the SWIG module, on that backend), every error code an
exception class, every counter a field of NetworkStats that stats() reads
from the library by that counter's key. A constant missing anywhere fails
here, whatever the hand-kept part (NetworkStats' fields, ERRORS) lacks."""

from __future__ import annotations

import dataclasses
import pathlib
from typing import List, Tuple

import pytest

import mailslot
from mailslot import _constants, _errors

TABLE = pathlib.Path(__file__).resolve().parents[3] / "abi" / "constants.txt"


def rows() -> List[Tuple[str, int]]:
    """(NAME without MAILSLOT_, value) of every row, in order."""
    if not TABLE.exists():
        pytest.fail("%s is not next to this suite (run it from the source tree)" % TABLE)
    out = []
    for line in TABLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split()[:2]
            out.append((name[len("MAILSLOT_"):], int(value)))
    return out


def counters() -> List[Tuple[str, int]]:
    return [(name[len("STAT_"):].lower(), value) for name, value in rows() if name.startswith("STAT_")]


def test_the_module_of_constants_is_the_table():
    names = [n for n in vars(_constants) if n.isupper() and n != "COUNTERS"]
    assert names == [n for n, _ in rows()]
    for name, value in rows():
        assert getattr(_constants, name) == value, name
    assert list(_constants.COUNTERS) == counters()


def test_every_error_code_has_its_class():
    for name, value in rows():
        if name.startswith("E_"):
            assert getattr(mailslot, name) == value, name
            assert value in mailslot.ERRORS, "%s (%d) has no exception class in _errors.ERRORS" % (name, value)
            assert isinstance(_errors.error_for(value, "text"), mailslot.ERRORS[value])


def test_every_counter_is_a_field_of_network_stats():
    fields = [f.name for f in dataclasses.fields(mailslot.NetworkStats)]
    want = [name[len("net_"):] if name.startswith("net_") else name for name, _ in counters()]
    assert fields == want


def test_stats_reads_every_counter_by_its_key(name):
    # Each field must hold what the library says for its own key: a backend
    # that answers each key with the key itself shows which key a field read.
    with mailslot.Mailslot(name) as reader:
        reader.qsize()
        backend = reader._b

        class KeyEcho:
            def __getattr__(self, attr):
                return getattr(backend, attr)

            def get_int(self, handle, key):
                return key

        reader._b = KeyEcho()
        try:
            stats = reader.stats()
        finally:
            reader._b = backend
    want = [value for _, value in counters()]
    assert list(dataclasses.astuple(stats)) == want


def test_the_swig_module_has_every_constant():
    if mailslot.backend != "swig":
        pytest.skip("the ctypes backend is running (MAILSLOT_BACKEND=swig runs this)")
    module = mailslot._impl.m
    for name, value in rows():
        assert getattr(module, name, None) == value, name
