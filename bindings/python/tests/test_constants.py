# SPDX-License-Identifier: MIT
"""Every constant of abi/constants.txt reaches the package: its value in
_constants.py (and in the SWIG module, on that backend), every error code an
exception class, every counter a field of NetworkStats that stats() reads
from the library by that counter's key, every reported option (the table's
fourth column) a field of ReaderSettings or of query(). A constant missing
anywhere fails here, whatever the hand-kept part (ERRORS) lacks."""

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


def reported(where: str) -> List[Tuple[str, int, bool]]:
    """(field, value, flag) of the options and states reported in WHERE
    (settings, query: FIELD:WHERE,... in the fourth column), in order."""
    out = []
    for line in TABLE.read_text().splitlines():
        cells = line.split("#")[0].split()
        if line.startswith("MAILSLOT_") and len(cells) == 4 and ":" in cells[3]:
            field, tags = cells[3].split(":")
            if where in tags.split(","):
                out.append((field, int(cells[1]), "flag" in tags.split(",")))
    return out


def counters() -> List[Tuple[str, int]]:
    return [(name[len("STAT_"):].lower(), value) for name, value in rows() if name.startswith("STAT_")]


def test_the_module_of_constants_is_the_table():
    tables = ("COUNTERS", "DROPPED", "SETTINGS", "QUERY_VALUES")
    names = [n for n in vars(_constants) if n.isupper() and n not in tables]
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


def test_dropped_adds_up_the_counters_the_table_marks_dropped():
    dropped = [name for line in TABLE.read_text().splitlines()
               if line.startswith("MAILSLOT_STAT_") and line.split()[3] == "dropped"
               for name in [line.split()[0][len("MAILSLOT_STAT_"):].lower()]]
    assert dropped and list(_constants.DROPPED) == dropped
    for name, _ in counters():
        field = name[len("net_"):] if name.startswith("net_") else name
        stats = mailslot.NetworkStats(**{field: 1})
        assert stats.dropped == (1 if name in dropped else 0), field
        assert stats.auth_dropped == (1 if name in dropped and name.startswith("auth_") else 0), field


def test_every_reported_setting_is_a_field_of_reader_settings():
    want = reported("settings")
    assert want and list(_constants.SETTINGS) == want
    fields = dataclasses.fields(mailslot.ReaderSettings)
    assert [(f.name, f.type) for f in fields] == [(name, bool if flag else int) for name, _, flag in want]


def test_query_answers_every_value_of_the_table_by_name():
    want = [(name, value) for name, value, _ in reported("query")] + counters()
    assert list(mailslot._QUERY_FIELDS) == want


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
