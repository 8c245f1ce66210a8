# SPDX-License-Identifier: MIT
"""Serialisers: ``(dumps, loads)`` pairs, as winsys has them.

``dumps`` turns what ``put`` is given into the message (``bytes``; a ``str``
result is encoded as UTF-8), and ``loads`` turns a received message
(``bytes``) into what ``get`` returns. Any exception from either becomes
:class:`MessageTooComplex`.
"""

from __future__ import annotations

import json
import marshal
from typing import Any, Callable, Tuple, Union, cast

from ._errors import MessageTooComplex

Dumps = Callable[[Any], Union[bytes, bytearray, memoryview, str]]
Loads = Callable[[bytes], Any]
Serialiser = Tuple[Dumps, Loads]

_BYTES_LIKE = (bytes, bytearray, memoryview)


def _text_dumps(obj: Any) -> bytes:
    if isinstance(obj, str):
        return obj.encode("utf-8")
    if isinstance(obj, _BYTES_LIKE):
        return bytes(obj)
    raise TypeError("the TEXT serialiser sends str or bytes, not %s" % type(obj).__name__)


def _text_loads(data: bytes) -> str:
    return data.decode("utf-8")


def _bytes_dumps(obj: Any) -> bytes:
    if isinstance(obj, _BYTES_LIKE):
        return bytes(obj)
    raise TypeError("the BYTES serialiser sends bytes-like objects, not %s" % type(obj).__name__)


def _bytes_loads(data: bytes) -> bytes:
    return data


def _json_dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _json_loads(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


class _Named(Tuple[Dumps, Loads]):
    """One of the package's serialisers: a (dumps, loads) pair that prints as
    its name, so that ``help(Mailslot)`` shows ``serialiser=TEXT`` rather
    than two functions' addresses, and pickles as that name."""

    _name: str

    def __new__(cls, name: str, dumps: Dumps, loads: Loads) -> "_Named":
        pair = tuple.__new__(cls, (dumps, loads))
        pair._name = name
        return pair

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        return self._name


#: The default: ``put`` takes ``str`` (sent as UTF-8) or ``bytes`` (sent as
#: is); ``get`` returns ``str``. Readable and writable from every language.
TEXT: Serialiser = _Named("TEXT", _text_dumps, _text_loads)
#: Raw bytes both ways.
BYTES: Serialiser = _Named("BYTES", _bytes_dumps, _bytes_loads)
#: JSON as UTF-8 text: dicts, lists, numbers, strings, True/False/None.
JSON: Serialiser = _Named("JSON", _json_dumps, _json_loads)
#: Python's ``marshal`` (winsys's ``marshalled=True``); only Python reads it.
MARSHAL: Serialiser = _Named("MARSHAL", marshal.dumps, marshal.loads)


def check(serialiser: Any) -> Serialiser:
    """Validates a (dumps, loads) pair."""
    try:
        dumps, loads = serialiser
    except (TypeError, ValueError):
        raise TypeError("serialiser must be a (dumps, loads) pair of callables") from None
    if not callable(dumps) or not callable(loads):
        raise TypeError("serialiser must be a (dumps, loads) pair of callables")
    return cast(Serialiser, serialiser if isinstance(serialiser, tuple) else (dumps, loads))


def dumps_error(obj: Any, error: Exception) -> MessageTooComplex:
    """What put raises when the serialiser's dumps raised error for obj."""
    return MessageTooComplex("cannot serialise %s for a mailslot: %s" % (type(obj).__name__, error))


def as_bytes(data: Any) -> bytes:
    """A dumps result as the message (str as UTF-8), or MessageTooComplex."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as e:
            raise MessageTooComplex("the serialiser returned text that is not valid Unicode: %s" % e) from e
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise MessageTooComplex("the serialiser returned %s, not bytes or str" % type(data).__name__)


def loads_error(data: bytes, error: Exception) -> MessageTooComplex:
    """What get raises when the serialiser's loads raised error for data
    (with .data = the message)."""
    err = MessageTooComplex("cannot deserialise a message of %d bytes: %s" % (len(data), error))
    err.data = data
    return err


# Mailslot.put and .get inline these two (one call less per message).


def dumps(serialiser: Serialiser, obj: Any) -> bytes:
    """The message for obj, or MessageTooComplex."""
    try:
        data = serialiser[0](obj)
    except Exception as e:
        raise dumps_error(obj, e) from e
    return as_bytes(data)


def loads(serialiser: Serialiser, data: bytes) -> Any:
    """The object for a message, or MessageTooComplex (with .data = the message)."""
    try:
        return serialiser[1](data)
    except Exception as e:
        raise loads_error(data, e) from e
