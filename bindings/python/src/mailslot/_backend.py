# SPDX-License-Identifier: MIT
"""The backend interface: what the Pythonic layer (``Mailslot``) needs from a
binding of the C library, and the choice between bindings.

A backend is one object with the methods of :class:`Backend`. It speaks in
Python types (``str`` names, ``bytes`` messages, opaque handles) and raises
the package's exceptions (:mod:`mailslot._errors`, built with ``error_for``)
for negative library codes. It does no locking, waiting or serialising: the
``Mailslot`` class does that once for every backend. Two exist:

* ``ctypes``: :mod:`mailslot._ctypes_backend`, no compiler needed;
* ``swig``: :mod:`mailslot._swig_backend`, an adapter over the SWIG module
  ``mailslot_swig`` built from ``bindings/swig/python.i`` (ImportError when that
  module is not importable).

``MAILSLOT_BACKEND=ctypes|swig`` in the environment selects one at import;
unset (or ``auto``), the package takes the faster one that loads (``PREFERENCE``),
provided that it runs the library version the ctypes search finds (see
``choose``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Sequence, Tuple

from . import _library
from ._errors import E_NAME, InvalidName

ENV_BACKEND = "MAILSLOT_BACKEND"
BACKENDS = ("ctypes", "swig")
#: MAILSLOT_BACKEND unset: the first of PREFERENCE that loads (see choose).
AUTO = "auto"
#: The backends from the faster to the slower: the SWIG module's calls cost
#: less than ctypes' foreign calls (bench/bench_putget.py measures both).
PREFERENCE = ("swig", "ctypes")

#: An opaque reader or writer handle; only its backend understands it.
Handle = Any


@dataclass(frozen=True)
class NetworkOptions:
    """The network options of one create/open call (MAILSLOT_OPT_NETWORK ..
    _INTERFACE, _LEGACY, _NETBIOS_NAME, and the network keys MAILSLOT_OPT_KEYS .. _AUTH_LOG). None
    leaves an option to the environment (MAILSLOT_NETWORK, ...,
    MAILSLOT_KEY_FILE, ...) and the library's defaults; a backend sets only
    the others. The Mailslot layer checks types and ranges (and that at most
    one of ``keys`` and ``key_file`` is given); the library checks the rest
    (MAILSLOT_E_INVALID: InvalidArgument; a key file's mode: AccessDenied;
    a missing key file: NotFound). ``ttl`` and ``suite`` are for writers
    only; ``replay_window`` .. ``auth_log`` for readers only."""

    network: Optional[bool] = None
    port: Optional[int] = None
    ttl: Optional[int] = None
    #: comma-separated, as MAILSLOT_OPT_DOMAIN takes it ("" is no domain)
    domain: Optional[str] = None
    interface: Optional[str] = None
    #: key file text (key material: kept out of repr)
    keys: Optional[str] = field(default=None, repr=False)
    #: a key file's path
    key_file: Optional[str] = None
    suite: Optional[int] = None
    replay_window: Optional[int] = None
    time_window_ms: Optional[int] = None
    auth_migration: Optional[bool] = None
    auth_log: Optional[bool] = None
    #: the format of Windows hosts (MAILSLOT_OPT_LEGACY)
    legacy: Optional[bool] = None
    #: this host's NetBIOS name in legacy mode (MAILSLOT_OPT_NETBIOS_NAME)
    netbios_name: Optional[str] = None


#: Every option left to the environment.
NO_NETWORK_OPTIONS = NetworkOptions()


class Backend(Protocol):
    """What every backend provides. Handles are opaque; a handle must not be
    used after its close call (the Mailslot layer guarantees that)."""

    #: "ctypes" or "swig"
    name: str
    #: where the C library was loaded from (for messages)
    library_path: str
    #: the library's version, MAJOR*10000 + MINOR*100 + PATCH, and as text
    version: int
    version_string: str

    def strerror(self, code: int) -> str:
        """mailslot_strerror."""
        ...

    def canonical(self, name: str) -> str:
        """mailslot_name_canonical; raises InvalidName."""
        ...

    def create(
        self,
        name: str,
        max_message_size: int,
        read_timeout_ms: int,
        queue_limit: int,
        allow_any_user: bool,
        net: NetworkOptions = NO_NETWORK_OPTIONS,
    ) -> Handle:
        """mailslot_create with these options (net.ttl is not a reader's);
        returns a reader handle."""
        ...

    def read(self, reader: Handle, timeout_ms: int) -> bytes:
        """mailslot_read of one whole message of any size; raises Empty on
        MAILSLOT_E_TIMEOUT, Interrupted, Closed, ..."""
        ...

    def poll(self, reader: Handle) -> Optional[bytes]:
        """mailslot_read without waiting: the next message, or None when none
        waits (no exception to make and catch: a read before a wait finds
        none as often as not)."""
        ...

    def info(self, reader: Handle) -> Tuple[int, Optional[int], int, int]:
        """mailslot_info: (max_message_size, next_size or None, message_count, read_timeout_ms)."""
        ...

    def set_read_timeout(self, reader: Handle, timeout_ms: int) -> None:
        """mailslot_set_read_timeout."""
        ...

    def get_int(self, reader: Handle, key: int) -> int:
        """mailslot_reader_get_int: an OPT_* value in effect or a STAT_*
        counter; InvalidArgument for any other key."""
        ...

    def query(self, name: str, keys: Sequence[int], timeout_ms: int) -> List[int]:
        """mailslot_query (since 1.1): the values of keys of the reader of a
        local name in any process; InvalidArgument for a key a reader does
        not report to others, NotFound, AccessDenied, Empty (timeout), ...;
        InvalidUse when the library predates 1.1."""
        ...

    def fd(self, reader: Handle) -> int:
        """mailslot_fd: a descriptor (POSIX) or event HANDLE (Windows)."""
        ...

    def interrupt(self, reader: Handle) -> None:
        """mailslot_interrupt."""
        ...

    def reader_name(self, reader: Handle) -> str:
        """mailslot_reader_name."""
        ...

    def reader_close(self, reader: Handle) -> None:
        """mailslot_reader_close."""
        ...

    def open(self, name: str, net: NetworkOptions = NO_NETWORK_OPTIONS) -> Handle:
        """mailslot_open with these options; returns a writer handle."""
        ...

    def write(self, writer: Handle, data: bytes) -> None:
        """mailslot_write."""
        ...

    def writer_close(self, writer: Handle) -> None:
        """mailslot_writer_close."""
        ...

    def handle_value(self, handle: Handle) -> int:
        """The handle as an integer (the C pointer), for Mailslot.pyobject()."""
        ...

    def route_log(self, emit: Optional[Callable[[int, str], None]]) -> bool:
        """mailslot_set_log_handler: from now on each message of the library
        goes to emit(level, message) (see _log.py), from any thread; None
        gives them back to stderr. False when the library predates it (1.0:
        messages stay on stderr)."""
        ...


def check_name(name: str) -> bytes:
    """A name as the NUL-terminated UTF-8 every backend hands to C. An
    embedded NUL would silently cut the name short, so it is refused here."""
    if not isinstance(name, str):
        raise TypeError("a mailslot name must be str, not %s" % type(name).__name__)
    if "\0" in name:
        raise InvalidName("mailslot name %r contains a NUL character" % name, code=E_NAME)
    try:
        return name.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidName("mailslot name %r is not valid Unicode: %s" % (name, e), code=E_NAME) from None


def selected_name(env: Optional[str] = None) -> str:
    """The backend MAILSLOT_BACKEND asks for: one of BACKENDS, or AUTO when
    it is unset, empty or "auto"."""
    value = (os.environ.get(ENV_BACKEND, "") if env is None else env).strip().lower()
    if not value:
        return AUTO
    if value != AUTO and value not in BACKENDS:
        raise ImportError(
            "mailslot: %s=%r is not a backend; use one of: %s (or leave it unset: the faster that loads)"
            % (ENV_BACKEND, value, ", ".join(BACKENDS + (AUTO,)))
        )
    return value


def _load_ctypes() -> Backend:
    from . import _ctypes_backend

    return _ctypes_backend.load()


def _load_swig() -> Backend:
    from . import _swig_backend

    return _swig_backend.load()


#: How each backend is loaded (ImportError when it cannot be).
LOADERS: Dict[str, Callable[[], Backend]] = {"ctypes": _load_ctypes, "swig": _load_swig}


def choose(loaders: Mapping[str, Callable[[], Backend]]) -> Backend:
    """AUTO's choice: the first backend of PREFERENCE that loads and runs the
    library version that the ctypes backend found, if it found one. The
    ctypes search is the package's documented one (MAILSLOT_LIBRARY, the
    wheel's own copy, the system's); the SWIG module runs whatever library
    it was linked with, so a module installed beside another version (a
    system package under a wheel, say) is passed over for ctypes. A library
    named by MAILSLOT_LIBRARY must load (its ImportError is raised, as with
    MAILSLOT_BACKEND=ctypes); otherwise ImportError, with each backend's
    reason, when none loads."""
    loaded: Dict[str, Backend] = {}
    reasons: List[str] = []
    for name in PREFERENCE:
        try:
            loaded[name] = loaders[name]()
        except ImportError as e:
            if name == "ctypes" and os.environ.get(_library.ENV_LIBRARY):
                raise
            reasons.append("%s: %s" % (name, e))
    searched = loaded.get("ctypes")
    for name in PREFERENCE:
        backend = loaded.get(name)
        if backend is not None and (searched is None or backend.version == searched.version):
            return backend
    raise ImportError("mailslot: no backend loads; %s" % "; ".join(reasons))


def load(env: Optional[str] = None) -> Backend:
    """Imports and returns the selected backend (ImportError if it cannot load)."""
    name = selected_name(env)
    if name == AUTO:
        return choose(LOADERS)
    return LOADERS[name]()
