# SPDX-License-Identifier: MIT
"""The package's exceptions, and the map from the library's error codes to them.

Every exception is a :class:`MailslotError` and carries ``.code`` (the
library's ``MAILSLOT_E_*`` code, or ``None`` for errors found by the package
itself) and ``.detail`` (what the library said about the failing call). Where
the standard library has a matching class, the exception subclasses it too, so
that ``except queue.Empty`` or ``except FileNotFoundError`` work as Python
programmers expect.
"""

from __future__ import annotations

import queue
from typing import Dict, Optional, Type

# Error codes of abi/mailslot.h (their numbers are ABI): _constants.py.
from ._constants import (
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
)


class MailslotError(Exception):
    """Base class of every error this package raises.

    ``code`` is the library's ``MAILSLOT_E_*`` code (``None`` when the package
    itself found the problem); ``detail`` is the library's sentence about the
    failing call (``mailslot_last_error_detail``), or the package's own.
    """

    code: Optional[int] = None
    detail: str = ""

    def __init__(self, *args: object, code: Optional[int] = None, detail: Optional[str] = None) -> None:
        super().__init__(*args)
        if code is not None:
            self.code = code
        if detail is not None:
            self.detail = detail


class InvalidArgument(MailslotError, ValueError):
    """MAILSLOT_E_INVALID: an argument the library refused."""


class InvalidName(MailslotError, ValueError):
    """MAILSLOT_E_NAME: not a valid mailslot name (or a reader for a remote name)."""


class Exists(MailslotError, FileExistsError):
    """MAILSLOT_E_EXISTS: a reader already owns this name on this host."""


class NotFound(MailslotError, FileNotFoundError):
    """MAILSLOT_E_NOT_FOUND: no reader owns this local name, or a key file
    (``key_file=``, ``MAILSLOT_KEY_FILE``) does not exist."""


class Empty(MailslotError, queue.Empty):
    """MAILSLOT_E_TIMEOUT: no message arrived in time (``queue.Empty``)."""


class MessageTooBig(MailslotError, ValueError):
    """MAILSLOT_E_TOO_BIG: the message is larger than the destination accepts."""


class MessageTooComplex(MailslotError, ValueError):
    """The serialiser could not turn the object into a message, or a message
    back into an object. ``data`` holds the raw message when reading failed."""

    data: Optional[bytes] = None


class BufferTooSmall(MailslotError):
    """MAILSLOT_E_BUFFER: a read buffer was too small (handled inside the package)."""


class Full(MailslotError, queue.Full):
    """MAILSLOT_E_FULL: the reader's queue is at its limit; nothing was sent."""


class Interrupted(MailslotError):
    """MAILSLOT_E_INTERRUPTED: mailslot_interrupt woke the read."""


class Closed(MailslotError):
    """MAILSLOT_E_CLOSED: the mailslot was closed (possibly by another thread)."""


class OutOfMemory(MailslotError, MemoryError):
    """MAILSLOT_E_NOMEM."""


class AccessDenied(MailslotError, PermissionError):
    """MAILSLOT_E_ACCESS: the reader does not accept this user; a key file
    that its group or others can read or write (it must be mode 0600); or a
    writer with keys has none for a message at this time."""


class NetworkError(MailslotError, ConnectionError):
    """MAILSLOT_E_NETWORK: a network send failed or a host could not be resolved."""


class SystemFailure(MailslotError, OSError):
    """MAILSLOT_E_SYSTEM: any other failure of the operating system."""


class InvalidUse(MailslotError):
    """The object is used in a way its role forbids: reading from a writer,
    writing to a reader, or asking for the handle of an unused mailslot."""


# winsys names (winsys.ipc) for programs that port by changing the import.
x_mailslot = MailslotError
x_mailslot_empty = Empty
x_mailslot_message_too_big = MessageTooBig
x_mailslot_message_too_complex = MessageTooComplex
x_mailslot_invalid_use = InvalidUse

#: Every library error code and the class that represents it.
ERRORS: Dict[int, Type[MailslotError]] = {
    E_INVALID: InvalidArgument,
    E_NAME: InvalidName,
    E_EXISTS: Exists,
    E_NOT_FOUND: NotFound,
    E_TIMEOUT: Empty,
    E_TOO_BIG: MessageTooBig,
    E_BUFFER: BufferTooSmall,
    E_FULL: Full,
    E_INTERRUPTED: Interrupted,
    E_CLOSED: Closed,
    E_NOMEM: OutOfMemory,
    E_ACCESS: AccessDenied,
    E_NETWORK: NetworkError,
    E_SYSTEM: SystemFailure,
}

# The public classes are shown (help, repr, tracebacks) and pickled by the
# name programs use, mailslot.NotFound, not by where they are defined.
for _cls in (MailslotError, MessageTooComplex, InvalidUse, *ERRORS.values()):
    _cls.__module__ = "mailslot"


def error_for(code: int, text: str, detail: str = "") -> MailslotError:
    """The exception for a library error code; unknown codes give MailslotError.

    ``text`` is the general text of the code (mailslot_strerror) and
    ``detail`` the library's sentence about this failure; the message is the
    detail when there is one.
    """
    cls = ERRORS.get(code, MailslotError)
    message = detail or text or "error %d" % code
    return cls(message, code=code, detail=detail)
