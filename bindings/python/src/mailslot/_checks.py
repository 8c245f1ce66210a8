# SPDX-License-Identifier: MIT
"""The checks of ``Mailslot``'s arguments (types and ranges, before any call
into the library) and the conversion of its timeouts to milliseconds."""

from __future__ import annotations

import math
import os
from typing import Any, Iterable, Optional, Tuple, Union

from . import _errors
from ._constants import WAIT_FOREVER
from ._errors import InvalidArgument


def _check_timeout(timeout_ms: Any, what: str = "timeout_ms") -> int:
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, (int, float)):
        raise TypeError("%s must be a number of milliseconds, not %s" % (what, type(timeout_ms).__name__))
    if timeout_ms < 0:
        if timeout_ms != WAIT_FOREVER:
            raise InvalidArgument(
                "%s must be >= 0, or -1 to wait forever; got %r" % (what, timeout_ms), code=_errors.E_INVALID
            )
        return WAIT_FOREVER
    if timeout_ms > 2147483647:
        raise InvalidArgument("%s must be at most 2147483647; got %r" % (what, timeout_ms), code=_errors.E_INVALID)
    return int(math.ceil(timeout_ms))


def _check_seconds(timeout: Any) -> int:
    """queue.Queue's ``timeout``, in seconds, as a wait in ms (a positive
    wait stays positive: 0.0001 s waits 1 ms)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError("timeout must be a number of seconds or None, not %s" % type(timeout).__name__)
    if not timeout >= 0:  # NaN too
        raise InvalidArgument("'timeout' must be a non-negative number of seconds; got %r" % timeout,
                              code=_errors.E_INVALID)
    if timeout * 1000 > 2147483647:
        raise InvalidArgument("timeout must be at most 2147483.647 seconds (timeout_ms=-1 waits forever); got %r"
                              % timeout, code=_errors.E_INVALID)
    return int(math.ceil(timeout * 1000))


def _wait_ms(block: bool, timeout_ms: Any, timeout: Any) -> Optional[int]:
    """How long a call given ``block`` and winsys's ``timeout_ms`` or
    queue.Queue's ``timeout`` may wait, in ms: 0 when it must not block
    (whatever the timeouts say, as both have it), None when neither timeout
    was given (the object's ``timeout_ms`` applies)."""
    if timeout_ms is not None and timeout is not None:
        raise TypeError("give timeout (seconds) or timeout_ms (milliseconds), not both; got timeout=%r, "
                        "timeout_ms=%r" % (timeout, timeout_ms))
    if not block:
        return 0
    if timeout is not None:
        return _check_seconds(timeout)
    return None if timeout_ms is None else _check_timeout(timeout_ms)


def _check_int(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__))
    if not low <= value <= high:
        raise InvalidArgument("%s must be in %d..%d; got %d" % (what, low, high, value), code=_errors.E_INVALID)
    return value


#: What ``domain=`` takes: one string (``"sales"``, or several as
#: ``"sales,lab"``) or an iterable of strings (``["sales", "lab"]``).
Domains = Union[str, Iterable[str]]


def _check_optional_int(value: Any, what: str, low: int, high: int) -> Optional[int]:
    return None if value is None else _check_int(value, what, low, high)


def _check_flag(value: Any, what: str) -> Optional[bool]:
    if value is not None and not isinstance(value, bool):
        raise TypeError("%s must be True, False or None, not %s" % (what, type(value).__name__))
    return value


#: The limits of the network keys' numbers (abi/mailslot.h).
REPLAY_WINDOW_STEP = 64
MAX_REPLAY_WINDOW = 1024
MIN_TIME_WINDOW_MS = 1000
MAX_TIME_WINDOW_MS = 86400000


def _check_replay_window(value: Any) -> Optional[int]:
    window = _check_optional_int(value, "replay_window", REPLAY_WINDOW_STEP, MAX_REPLAY_WINDOW)
    if window is not None and window % REPLAY_WINDOW_STEP:
        raise InvalidArgument(
            "replay_window must be a multiple of %d; got %d" % (REPLAY_WINDOW_STEP, window), code=_errors.E_INVALID
        )
    return window


def _check_keys(keys: Any, key_file: Any) -> Tuple[Optional[str], Optional[str]]:
    """keys= (key file text) and key_file= (a path: str or os.PathLike), at
    most one of them. The text is key material: no message repeats it. Its
    content, and the file, are the library's to judge."""
    if keys is not None and key_file is not None:
        raise InvalidArgument("give keys or key_file, not both", code=_errors.E_INVALID)
    if keys is not None:
        if not isinstance(keys, str):
            raise TypeError("keys must be str (the text of a key file), not %s" % type(keys).__name__)
        if "\0" in keys:
            raise InvalidArgument("keys contain a NUL character", code=_errors.E_INVALID)
        try:
            keys.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgument("keys are not valid Unicode", code=_errors.E_INVALID) from None
    if key_file is not None:
        path = os.fspath(key_file) if isinstance(key_file, os.PathLike) else key_file
        if not isinstance(path, str):
            raise TypeError("key_file must be str or os.PathLike[str], not %s" % type(key_file).__name__)
        if not path:
            raise InvalidArgument("key_file is empty", code=_errors.E_INVALID)
        key_file = _check_text(path, "key_file")
    return keys, key_file


def _check_text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError("%s must be str, not %s" % (what, type(value).__name__))
    if "\0" in value:
        raise InvalidArgument("%s %r contains a NUL character" % (what, value), code=_errors.E_INVALID)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidArgument("%s %r is not valid Unicode: %s" % (what, value, e), code=_errors.E_INVALID) from None
    return value


def _check_domains(value: Any) -> Optional[Tuple[str, ...]]:
    """domain= as a tuple of names (``()``: no domain), or None. The names
    themselves are the library's to judge (MAILSLOT_OPT_DOMAIN)."""
    if value is None:
        return None
    if isinstance(value, str):
        return tuple(_check_text(value, "domain").split(",")) if value else ()
    if isinstance(value, (bytes, bytearray, memoryview)) or not isinstance(value, Iterable):
        raise TypeError("domain must be str or an iterable of str, not %s" % type(value).__name__)
    names = tuple(_check_text(item, "a domain") for item in value)
    for item in names:
        if "," in item:
            raise InvalidArgument("a domain %r contains ',': give one domain per item" % item, code=_errors.E_INVALID)
    return names
