# SPDX-License-Identifier: MIT
"""mailslot: Windows-style mailslots for Python, on every platform.

A reader creates a named slot and reads whole messages; writers send small
one-way messages to that name. The API is winsys's ``ipc.Mailslot`` (a
``queue.Queue`` look-alike), so winsys programs port by changing the import::

    import mailslot as ipc

    with ipc.mailslot("logger") as reader:          # \\\\.\\mailslot\\logger
        for message in reader:
            print(message)

    with ipc.mailslot(r"\\\\*\\mailslot\\logger") as writer:
        writer.put("hello")

Network options (``network``, ``port``, ``ttl``, ``domain``, ``interface``)
and network keys (``keys`` or ``key_file``, ``suite``, ``replay_window``,
``time_window_ms``, ``auth_migration``, ``auth_log``) are keywords of
``mailslot()`` and ``Mailslot()``; left out, the environment
(``MAILSLOT_NETWORK``, ..., ``MAILSLOT_KEY_FILE``, ...) decides. A reader
reports its network counters (authentication included) with ``stats()`` and
its settings in effect with ``settings()``.

The library's own messages (a keyed reader's dropped network messages, a key
file read again) go to ``logging.getLogger("mailslot")``: with no logging
configured, warnings show on stderr as before; set that logger's level, or
give it a handler (and ``propagate = False``), to silence or redirect them.

The package loads the C library (libmailslot) with ctypes; see
``_library.py`` for where it looks (``MAILSLOT_LIBRARY`` first) and
``_backend.py`` for the backends (``MAILSLOT_BACKEND=ctypes|swig``; unset,
the faster of the two that loads).
"""

from __future__ import annotations

import atexit

from typing import Dict, Optional

from . import _backend, _constants, _library, _log, _slot
from ._errors import (
    E_ACCESS,
    E_BUFFER,
    E_CLOSED,
    E_EXISTS,
    E_FULL,
    E_INTERRUPTED,
    E_INVALID,
    E_NAME,
    E_NETWORK,
    E_NOMEM,
    E_NOT_FOUND,
    E_SYSTEM,
    E_TIMEOUT,
    E_TOO_BIG,
    ERRORS,
    AccessDenied,
    BufferTooSmall,
    Closed,
    Empty,
    Exists,
    Full,
    Interrupted,
    InvalidArgument,
    InvalidName,
    InvalidUse,
    MailslotError,
    MessageTooBig,
    MessageTooComplex,
    NetworkError,
    NotFound,
    OutOfMemory,
    SystemFailure,
    x_mailslot,
    x_mailslot_empty,
    x_mailslot_invalid_use,
    x_mailslot_message_too_big,
    x_mailslot_message_too_complex,
)
from ._serialisers import BYTES, JSON, MARSHAL, TEXT, Serialiser
from ._constants import MAX_LOCAL_MESSAGE, MAX_NETWORK_MESSAGE, WAIT_FOREVER
from ._slot import DEFAULT_QUEUE_LIMIT, Mailslot
from ._values import NetworkStats, ReaderSettings
from ._winsys import mailslot, qualify

# Shown by help() and pickled as mailslot.X, where programs find them.
for _public in (Mailslot, NetworkStats, ReaderSettings, mailslot, qualify):
    _public.__module__ = "mailslot"
del _public

__version__ = "1.1.0"

#: The library major version this package supports (see _library._ABI_MAJOR).
ABI_MAJOR = _library._ABI_MAJOR

_impl = _backend.load()
_slot._set_backend(_impl)

# The library's messages go to logging.getLogger("mailslot") (_log.py), and
# back to stderr as the interpreter exits, before Python stops taking them.
if _impl.route_log(_log.emit):
    atexit.register(_impl.route_log, None)

#: "ctypes" or "swig": the backend in use.
backend: str = _impl.name
#: Where the C library was loaded from.
library_path: str = _impl.library_path


def library_version() -> str:
    """The loaded C library's version, e.g. ``"1.0.0"``."""
    return _impl.version_string


def library_version_number() -> int:
    """The loaded C library's version as MAJOR*10000 + MINOR*100 + PATCH."""
    return _impl.version


def canonical_name(name: str) -> str:
    """The canonical form of a mailslot name (``\\\\HOST\\mailslot\\path``);
    raises InvalidName for an invalid one."""
    return _impl.canonical(name)


#: What query() returns, in this order: the reader's settings and the number
#: of messages waiting, then its counters (the keys `mailslot stats` prints).
_QUERY_FIELDS = _constants.QUERY_VALUES + _constants.COUNTERS


def query(name: str, timeout: Optional[float] = 2.0) -> Dict[str, int]:
    """Asks the reader of a local name, in any process, for its settings and
    counters (mailslot_query, since C library 1.1) and returns them by the
    names ``mailslot stats`` prints: max_message_size, queue_limit,
    allow_any_user, network, keys, messages_waiting, net_received, ...,
    auth_unverified. ``timeout`` is in seconds (None: wait forever).

    Raises NotFound (no reader owns the name), AccessDenied (the reader does
    not accept this user), Empty (no answer within the timeout), InvalidName,
    SystemFailure (on Windows: a mailslot cannot be asked)."""
    timeout_ms = -1 if timeout is None else max(0, min(int(timeout * 1000), 2**31 - 1))
    values = _impl.query(name, [key for _, key in _QUERY_FIELDS], timeout_ms)
    return {field: value for (field, _), value in zip(_QUERY_FIELDS, values)}


def strerror(code: int) -> str:
    """The library's text for an error code."""
    return _impl.strerror(code)


__all__ = [
    "ABI_MAJOR",
    "AccessDenied",
    "BYTES",
    "BufferTooSmall",
    "Closed",
    "DEFAULT_QUEUE_LIMIT",
    "E_ACCESS",
    "E_BUFFER",
    "E_CLOSED",
    "E_EXISTS",
    "E_FULL",
    "E_INTERRUPTED",
    "E_INVALID",
    "E_NAME",
    "E_NETWORK",
    "E_NOMEM",
    "E_NOT_FOUND",
    "E_SYSTEM",
    "E_TIMEOUT",
    "E_TOO_BIG",
    "ERRORS",
    "Empty",
    "Exists",
    "Full",
    "Interrupted",
    "InvalidArgument",
    "InvalidName",
    "InvalidUse",
    "JSON",
    "MARSHAL",
    "MAX_LOCAL_MESSAGE",
    "MAX_NETWORK_MESSAGE",
    "Mailslot",
    "MailslotError",
    "MessageTooBig",
    "MessageTooComplex",
    "NetworkError",
    "NetworkStats",
    "NotFound",
    "OutOfMemory",
    "ReaderSettings",
    "Serialiser",
    "SystemFailure",
    "TEXT",
    "WAIT_FOREVER",
    "backend",
    "canonical_name",
    "library_path",
    "library_version",
    "library_version_number",
    "mailslot",
    "qualify",
    "query",
    "strerror",
    "x_mailslot",
    "x_mailslot_empty",
    "x_mailslot_invalid_use",
    "x_mailslot_message_too_big",
    "x_mailslot_message_too_complex",
]
