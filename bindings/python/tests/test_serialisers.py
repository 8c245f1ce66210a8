# SPDX-License-Identifier: MIT
"""Serialisers: TEXT (default), BYTES, JSON, MARSHAL and custom pairs."""

from __future__ import annotations

import marshal

import pytest

import mailslot
from mailslot import Mailslot


def make_pair(name, reader_serialiser, writer_serialiser=None):
    reader = Mailslot(name, reader_serialiser)
    reader.qsize()
    writer = Mailslot(name, writer_serialiser or reader_serialiser)
    return reader, writer


def test_text_is_the_default_and_utf8(name):
    reader, writer = make_pair(name, mailslot.TEXT, mailslot.BYTES)
    text_writer = Mailslot(name)
    text_writer.put("Ünïcödé ✓")
    assert Mailslot(name).serialiser is mailslot.TEXT
    raw = Mailslot(name, mailslot.BYTES)
    raw.put(b"\xff\xfe not utf-8")
    assert reader.get() == "Ünïcödé ✓"
    with pytest.raises(mailslot.MessageTooComplex) as info:
        reader.get()
    assert info.value.data == b"\xff\xfe not utf-8"
    assert isinstance(info.value, ValueError)
    reader.close()


def test_text_sends_str_as_utf8_and_bytes_as_is(name):
    reader, _ = make_pair(name, mailslot.BYTES)
    w = Mailslot(name)  # TEXT
    w.put("é")
    w.put(b"\x00\x01")
    w.put(bytearray(b"ba"))
    w.put(memoryview(b"mv"))
    assert [reader.get() for _ in range(4)] == ["é".encode("utf-8"), b"\x00\x01", b"ba", b"mv"]
    reader.close()


@pytest.mark.parametrize("bad", [42, 1.5, None, ["list"], {"a": 1}, "\ud800"])
def test_text_refuses_other_objects(name, bad):
    reader, writer = make_pair(name, mailslot.TEXT)
    with pytest.raises(mailslot.x_mailslot_message_too_complex):
        writer.put(bad)
    assert reader.empty()
    reader.close()


def test_bytes(name):
    reader, writer = make_pair(name, mailslot.BYTES)
    writer.put(b"\x00\xff" * 10)
    assert reader.get() == b"\x00\xff" * 10
    with pytest.raises(mailslot.MessageTooComplex):
        writer.put("str is not bytes")
    reader.close()


def test_json(name):
    reader, writer = make_pair(name, mailslot.JSON)
    value = {"event": "login", "user": "zoë", "n": [1, 2.5, None, True]}
    writer.put(value)
    writer.put([])
    writer.put("text")
    assert reader.get() == value
    assert reader.get() == []
    assert reader.get() == "text"
    with pytest.raises(mailslot.MessageTooComplex):
        writer.put({"set": {1, 2}})
    with pytest.raises(mailslot.MessageTooComplex):
        writer.put(float("nan"))
    # Other languages can read it: compact UTF-8 JSON text.
    assert mailslot.JSON[0]({"a": "é", "b": [1]}) == '{"a":"é","b":[1]}'.encode("utf-8")
    reader.close()


def test_json_reader_refuses_text_that_is_not_json(name):
    reader, _ = make_pair(name, mailslot.JSON)
    Mailslot(name).put("not json {")
    with pytest.raises(mailslot.MessageTooComplex) as info:
        reader.get()
    assert info.value.data == b"not json {"
    reader.close()


def test_marshal_via_marshalled_true(name):
    reader = mailslot.mailslot(name, marshalled=True)
    reader.qsize()
    writer = mailslot.mailslot(name, marshalled=True)
    value = {"k": (1, 2.0, b"x", "y", None, frozenset({3}))}
    writer.put(value)
    assert reader.get() == value
    with pytest.raises(mailslot.MessageTooComplex):
        writer.put(object())
    # What goes over the wire is marshal's format.
    raw_reader_writer = Mailslot(name, mailslot.BYTES)
    raw_reader_writer.put(marshal.dumps([1, 2]))
    assert reader.get() == [1, 2]
    reader.close()


def test_custom_serialiser_pair(name):
    upper = (lambda s: s.upper(), lambda b: b.decode("ascii").lower())  # dumps may return str
    reader, writer = make_pair(name, upper)
    writer.put("MiXeD")
    assert reader.get() == "mixed"
    failing = (lambda obj: 1 / 0, lambda b: b)
    w2 = Mailslot(name, failing)
    with pytest.raises(mailslot.MessageTooComplex) as info:
        w2.put("x")
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    wrong_type = (lambda obj: 42, lambda b: b)
    with pytest.raises(mailslot.MessageTooComplex):
        Mailslot(name, wrong_type).put("x")
    reader.close()


def test_serialised_size_is_what_counts(name):
    reader = Mailslot(name, mailslot.JSON, message_size=10)
    reader.qsize()
    writer = Mailslot(name, mailslot.JSON, message_size=10)
    writer.put("12345678")  # "\"12345678\"" is 10 bytes
    with pytest.raises(mailslot.MessageTooBig):
        writer.put("123456789")
    assert reader.get() == "12345678"
    reader.close()
