# SPDX-License-Identifier: MIT
"""The SWIG backend: an adapter from the SWIG module ``mailslot_swig`` (built
from ``bindings/swig/python.i`` by ``bindings/swig``) to the Backend interface of
``_backend.py``. Selected with ``MAILSLOT_BACKEND=swig`` (the module must then be
importable, ``PYTHONPATH=<build>/bindings/swig/python``, else ImportError), and
when MAILSLOT_BACKEND is unset and the module is there (see _backend.choose).

The module's objects are the handles (``Reader``, ``Writer``); its one
exception, ``mailslot_swig.Error(code, message)``, becomes the package's
exception for that code. The module releases the GIL in every call
(``-threads``) and reads messages of any size, so this adapter stays small:
roles, waiting, closing, serialisers and asyncio are the Mailslot layer's, as
for the ctypes backend. The Mailslot layer's close guard is the package's one
(see _slot.py): it closes a module object only once no call is in flight, so
the module's own guard never waits under it.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, List, Optional, Sequence, Tuple, TypeVar

from . import _library
from ._backend import NO_NETWORK_OPTIONS, NetworkOptions, check_name
from ._errors import error_for

#: Where the SWIG module is looked for, in order.
MODULE_NAMES = ("mailslot_swig", "mailslot._swig")

T = TypeVar("T")


class SwigBackend:
    """The Backend interface (see _backend.py) over mailslot_swig."""

    name = "swig"

    def __init__(self, module: Any) -> None:
        self.m = module
        self.library_path = getattr(module, "__file__", None) or module.__name__
        self.version = int(module.version())
        self.version_string = str(module.version_string())
        self._error = module.Error
        self._timeout = module.E_TIMEOUT

    def _convert(self, e: Any) -> Exception:
        """The package's exception for the module's Error e."""
        code = int(e.code)
        return error_for(code, self.m.strerror(code), str(e.message))

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except self._error as e:
            raise self._convert(e) from None

    def strerror(self, code: int) -> str:
        return str(self.m.strerror(code))

    def canonical(self, name: str) -> str:
        check_name(name)
        return str(self._call(self.m.name_canonical, name))

    def create(
        self,
        name: str,
        max_message_size: int,
        read_timeout_ms: int,
        queue_limit: int,
        allow_any_user: bool,
        net: NetworkOptions = NO_NETWORK_OPTIONS,
    ) -> Any:
        check_name(name)
        return self._call(self.m.Reader, name, max_message_size, read_timeout_ms, queue_limit,
                          1 if allow_any_user else 0, _flag(net.network), net.port, net.domain, net.interface,
                          net.keys, net.key_file, net.replay_window, net.time_window_ms,
                          _flag(net.auth_migration), _flag(net.auth_log), _flag(net.legacy),
                          net.netbios_name)

    # read and write, the calls of every message, without _call between:
    # the module's methods are its C functions (-fastproxy), returning bytes.

    def read(self, reader: Any, timeout_ms: int) -> bytes:
        try:
            return reader.read(timeout_ms)  # type: ignore[no-any-return]
        except self._error as e:
            raise self._convert(e) from None

    def info(self, reader: Any) -> Tuple[int, Optional[int], int, int]:
        max_size, next_size, count, timeout = self._call(reader.info)
        return int(max_size), (None if next_size == self.m.NO_MESSAGE else int(next_size)), int(count), int(timeout)

    def set_read_timeout(self, reader: Any, timeout_ms: int) -> None:
        self._call(reader.set_read_timeout, timeout_ms)

    def get_int(self, reader: Any, key: int) -> int:
        return int(self._call(reader.get_int, key))

    def query(self, name: str, keys: Sequence[int], timeout_ms: int) -> List[int]:
        # The module asks for one key a call (query_int): each value is a
        # separate answer of the reader.
        check_name(name)
        query_int = getattr(self.m, "query_int", None)
        if query_int is None:  # a module built before 1.1
            raise error_for(self.m.E_SYSTEM, "", "the SWIG module predates mailslot_query (1.1)")
        if not keys:  # only whether it answers, as mailslot_query with count 0
            self._call(query_int, name, self.m.OPT_QUEUE_LIMIT, timeout_ms)
            return []
        return [int(self._call(query_int, name, key, timeout_ms)) for key in keys]

    def fd(self, reader: Any) -> int:
        return int(self._call(reader.fd))

    def interrupt(self, reader: Any) -> None:
        self._call(reader.interrupt)

    def reader_name(self, reader: Any) -> str:
        return str(self._call(reader.name))

    def reader_close(self, reader: Any) -> None:
        reader.close()

    def open(self, name: str, net: NetworkOptions = NO_NETWORK_OPTIONS) -> Any:
        check_name(name)
        return self._call(self.m.Writer, name, _flag(net.network), net.port, net.ttl, net.domain, net.interface,
                          net.keys, net.key_file, net.suite, _flag(net.legacy), net.netbios_name)

    def poll(self, reader: Any) -> Optional[bytes]:
        try:
            return reader.read(0)  # type: ignore[no-any-return]
        except self._error as e:
            if e.code == self._timeout:
                return None
            raise self._convert(e) from None

    def write(self, writer: Any, data: bytes) -> None:
        try:
            writer.write(data)
        except self._error as e:
            raise self._convert(e) from None

    def writer_close(self, writer: Any) -> None:
        writer.close()

    def handle_value(self, handle: Any) -> int:
        this = getattr(handle, "this", None)
        return int(this) if this is not None else id(handle)

    def route_log(self, emit: Optional[Callable[[int, str], None]]) -> bool:
        set_log_callback = getattr(self.m, "set_log_callback", None)
        if set_log_callback is None:  # a module built before 1.1
            return False
        set_log_callback(emit)
        return True


def _flag(value: Optional[bool]) -> Optional[int]:
    """A 0/1 option (MAILSLOT_OPT_NETWORK, _AUTH_MIGRATION, _AUTH_LOG), or None
    (the module leaves it to the environment)."""
    return None if value is None else (1 if value else 0)


def _import_swig() -> Any:
    missing = []
    for name in MODULE_NAMES:
        try:
            return importlib.import_module(name)
        except ImportError as e:
            missing.append("%s (%s)" % (name, e))
    raise ImportError(
        "mailslot: MAILSLOT_BACKEND=swig selects the SWIG backend, but its module is not "
        "importable (looked for %s). Build bindings/swig and put its python/ directory on "
        "PYTHONPATH, or unset MAILSLOT_BACKEND (or set MAILSLOT_BACKEND=ctypes) to use the "
        "ctypes backend." % "; ".join(missing)
    )


def load() -> SwigBackend:
    module = _import_swig()
    backend = SwigBackend(module)
    _library.check_major(backend.version, backend.version_string, "behind %s" % backend.library_path)
    return backend
