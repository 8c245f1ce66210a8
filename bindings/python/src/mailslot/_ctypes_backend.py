# SPDX-License-Identifier: MIT
"""The ctypes backend: every C function of abi/mailslot.h with its argtypes and
restype, handles as ``c_void_p``, and one function (``_raise``) that turns a
negative code into the package's exception (with the library's detail
sentence, read in the same thread right after the failing call). Most
functions reach it through ctypes' ``errcheck``; the two of every message
(``mailslot_write``, ``mailslot_read``) test the code themselves, which
spares a Python call per message.

ctypes releases the GIL around every call into a ``CDLL``, so a call that
waits in the library does not stop other Python threads.
"""

from __future__ import annotations

import ctypes
import threading
from ctypes import POINTER, byref, c_char_p, c_int, c_int32, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any, Callable, List, Optional, Sequence, Tuple

from . import _library
from ._backend import NO_NETWORK_OPTIONS, NetworkOptions
from ._constants import (
    E_BUFFER,
    E_SYSTEM,
    E_TIMEOUT,
    MAX_LOCAL_MESSAGE,
    NO_MESSAGE,
    OPT_ALLOW_ANY_USER,
    OPT_AUTH_LOG,
    OPT_AUTH_MIGRATION,
    OPT_DOMAIN,
    OPT_INTERFACE,
    OPT_KEY_FILE,
    OPT_KEYS,
    OPT_LEGACY,
    OPT_MAX_MESSAGE_SIZE,
    OPT_NETBIOS_NAME,
    OPT_NETWORK,
    OPT_PORT,
    OPT_QUEUE_LIMIT,
    OPT_READ_TIMEOUT,
    OPT_REPLAY_WINDOW,
    OPT_SUITE,
    OPT_TIME_WINDOW,
    OPT_TTL,
)
from ._backend import check_name as encode_name
from ._errors import BufferTooSmall, Empty, error_for

#: mailslot_log_fn: void (*)(void *ctx, int level, const char *message), cdecl.
LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, c_int, c_char_p)

#: Where the library's messages go (_log.emit once route_log ran).
_log_emit: Optional[Callable[[int, str], None]] = None


def _on_log(ctx: Any, level: int, message: Optional[bytes]) -> None:
    # Any thread, the library's I/O thread included; ctypes takes the GIL.
    emit = _log_emit
    if emit is not None:
        emit(level, (message or b"").decode("utf-8", "replace"))


#: The one C function pointer the library is given: kept alive here for the
#: life of the process, since the library may call it at any time.
_LOG_CALLBACK = LOG_FN(_on_log)
#: NULL: the library's default (stderr).
_NO_LOG_CALLBACK = ctypes.cast(None, LOG_FN)

#: The functions whose code the backend tests itself, without errcheck.
CHECKED_INLINE = ("mailslot_read", "mailslot_write")

_NAME_BUFFER = 1024  # larger than any canonical name (255-byte path + host)


class _ThreadBuffer(threading.local):
    """Each reading thread's receive buffer (made once, reused by every read
    of the thread), as one tuple: the buffer, its size, the length cell and
    a pointer to that cell."""

    def __init__(self) -> None:
        self.set(MAX_LOCAL_MESSAGE)

    def set(self, cap: int) -> None:
        size = c_size_t()
        self.state = (ctypes.create_string_buffer(cap), cap, size, byref(size))


class CtypesBackend:
    """The Backend interface (see _backend.py) over ctypes."""

    name = "ctypes"

    def __init__(self, lib: ctypes.CDLL, path: str, version: int, version_string: str) -> None:
        self.lib = lib
        self.library_path = path
        self.version = version
        self.version_string = version_string
        self._tls = _ThreadBuffer()

        def fn(name: str, argtypes: List[Any], restype: Any = c_int, check: bool = True) -> Any:
            try:
                f = getattr(lib, name)
            except AttributeError:
                raise ImportError(
                    "mailslot: the C library %s (version %s) lacks %s" % (path, version_string, name)
                ) from None
            f.argtypes = argtypes
            f.restype = restype
            if check:
                f.errcheck = errcheck
            return f

        # The error functions first: errcheck needs them.
        strerror = fn("mailslot_strerror", [c_int], c_char_p, check=False)
        detail = fn("mailslot_last_error_detail", [], c_char_p, check=False)

        def fail(code: int) -> None:
            # The one place where a negative code becomes an exception.
            raw_detail = detail() or b""
            text = strerror(code) or b""
            raise error_for(code, text.decode("utf-8", "replace"), raw_detail.decode("utf-8", "replace"))

        def errcheck(result: int, func: Any, args: Any) -> int:
            if result < 0:
                fail(result)
            return result

        self._raise = fail

        self._strerror = strerror
        self._detail = detail
        self._version = fn("mailslot_version", [], c_int, check=False)
        self._version_string = fn("mailslot_version_string", [], c_char_p, check=False)

        self._options_new = fn("mailslot_options_new", [POINTER(c_void_p)])
        self._options_set_int = fn("mailslot_options_set_int", [c_void_p, c_int, c_int64])
        self._options_set_str = fn("mailslot_options_set_str", [c_void_p, c_int, c_char_p])
        self._options_free = fn("mailslot_options_free", [c_void_p], None, check=False)

        self._create = fn("mailslot_create", [c_char_p, c_void_p, POINTER(c_void_p)])
        # The calls of every message: no errcheck (CHECKED_INLINE).
        self._read = fn("mailslot_read", [c_void_p, c_void_p, c_size_t, POINTER(c_size_t), c_int32], check=False)
        self._info = fn(
            "mailslot_info", [c_void_p, POINTER(c_uint32), POINTER(c_uint32), POINTER(c_uint32), POINTER(c_int32)]
        )
        self._set_read_timeout = fn("mailslot_set_read_timeout", [c_void_p, c_int32])
        self._fd = fn("mailslot_fd", [c_void_p, POINTER(ctypes.c_ssize_t)])  # intptr_t
        self._interrupt = fn("mailslot_interrupt", [c_void_p])
        self._get_int = fn("mailslot_reader_get_int", [c_void_p, c_int, POINTER(c_int64)])
        self._reader_name = fn("mailslot_reader_name", [c_void_p, c_char_p, c_size_t, POINTER(c_size_t)])
        self._reader_close = fn("mailslot_reader_close", [c_void_p], None, check=False)

        self._open = fn("mailslot_open", [c_char_p, c_void_p, POINTER(c_void_p)])
        self._write = fn("mailslot_write", [c_void_p, c_void_p, c_size_t], check=False)
        self._writer_close = fn("mailslot_writer_close", [c_void_p], None, check=False)

        self._name_canonical = fn("mailslot_name_canonical", [c_char_p, c_char_p, c_size_t, POINTER(c_size_t)])

        # Since 1.1: a 1.0 library lacks it, and its messages stay on stderr.
        self._set_log_handler = None
        if hasattr(lib, "mailslot_set_log_handler"):
            self._set_log_handler = fn("mailslot_set_log_handler", [LOG_FN, c_void_p])
        self._query = None
        if hasattr(lib, "mailslot_query"):
            self._query = fn(
                "mailslot_query", [c_char_p, POINTER(c_int), POINTER(c_int64), c_size_t, c_int32]
            )

    # ---- version and errors ----------------------------------------------

    def strerror(self, code: int) -> str:
        raw: Optional[bytes] = self._strerror(code)
        return raw.decode("utf-8", "replace") if raw else ""

    # ---- names -----------------------------------------------------------

    def _string_out(self, call: Any, *args: Any) -> str:
        cap = _NAME_BUFFER
        n = c_size_t()
        while True:
            buf = ctypes.create_string_buffer(cap)
            try:
                call(*args, buf, cap, byref(n))
            except BufferTooSmall:
                cap = n.value + 1
                continue
            return buf.raw[: n.value].decode("utf-8", "replace")

    def canonical(self, name: str) -> str:
        return self._string_out(self._name_canonical, encode_name(name))

    # ---- reader ----------------------------------------------------------

    def _set_network(self, opts: c_void_p, net: NetworkOptions, writer: bool) -> None:
        """Sets the network options that were given (not None) and that are
        the role's (writers: ttl, suite; readers: replay_window .. auth_log)."""
        ints: List[Tuple[int, Optional[int]]] = [(OPT_PORT, net.port)]
        flags = [(OPT_NETWORK, net.network), (OPT_LEGACY, net.legacy)]
        if writer:
            ints += [(OPT_TTL, net.ttl), (OPT_SUITE, net.suite)]
        else:
            ints += [(OPT_REPLAY_WINDOW, net.replay_window), (OPT_TIME_WINDOW, net.time_window_ms)]
            flags += [(OPT_AUTH_MIGRATION, net.auth_migration), (OPT_AUTH_LOG, net.auth_log)]
        ints += [(key, None if flag is None else int(flag)) for key, flag in flags]
        for key, value in ints:
            if value is not None:
                self._options_set_int(opts, key, value)
        strings = ((OPT_DOMAIN, net.domain), (OPT_INTERFACE, net.interface), (OPT_KEYS, net.keys),
                   (OPT_KEY_FILE, net.key_file), (OPT_NETBIOS_NAME, net.netbios_name))
        for key, text in strings:
            if text is not None:
                self._options_set_str(opts, key, text.encode("utf-8"))

    def create(
        self,
        name: str,
        max_message_size: int,
        read_timeout_ms: int,
        queue_limit: int,
        allow_any_user: bool,
        net: NetworkOptions = NO_NETWORK_OPTIONS,
    ) -> Any:
        raw = encode_name(name)
        opts = c_void_p()
        self._options_new(byref(opts))
        try:
            self._options_set_int(opts, OPT_MAX_MESSAGE_SIZE, max_message_size)
            self._options_set_int(opts, OPT_READ_TIMEOUT, read_timeout_ms)
            self._options_set_int(opts, OPT_QUEUE_LIMIT, queue_limit)
            self._options_set_int(opts, OPT_ALLOW_ANY_USER, 1 if allow_any_user else 0)
            self._set_network(opts, net, writer=False)
            out = c_void_p()
            self._create(raw, opts, byref(out))
        finally:
            self._options_free(opts)
        return out.value

    def read(self, reader: Any, timeout_ms: int) -> bytes:
        buf, cap, size, size_ref = self._tls.state
        rc = self._read(reader, buf, cap, size_ref, timeout_ms)
        if rc < 0:
            return self._read_failed(reader, rc)
        return buf[: size.value]  # type: ignore[no-any-return] # bytes for c_char arrays

    def poll(self, reader: Any) -> Optional[bytes]:
        buf, cap, size, size_ref = self._tls.state
        rc = self._read(reader, buf, cap, size_ref, 0)
        if rc < 0:
            if rc == E_TIMEOUT:
                return None
            try:
                return self._read_failed(reader, rc)
            except Empty:
                return None
        return buf[: size.value]  # type: ignore[no-any-return] # bytes for c_char arrays

    def _read_failed(self, reader: Any, rc: int) -> bytes:
        """After a read that failed with rc: raises, unless the message was
        larger than the thread's buffer."""
        if rc != E_BUFFER:
            self._raise(rc)
        # Larger than any local message: only a future transport gets here.
        # The message stays first in the queue; take it with a big enough
        # buffer (another thread may have taken it meanwhile: then this
        # reads the next one or times out, as any read may).
        self._tls.set(self._tls.state[2].value)
        buf, cap, size, size_ref = self._tls.state
        rc = self._read(reader, buf, cap, size_ref, 0)
        if rc < 0:
            self._raise(rc)
        return buf[: size.value]  # type: ignore[no-any-return] # bytes for c_char arrays

    def info(self, reader: Any) -> Tuple[int, Optional[int], int, int]:
        max_size, next_size, count = c_uint32(), c_uint32(), c_uint32()
        timeout = c_int32()
        self._info(reader, byref(max_size), byref(next_size), byref(count), byref(timeout))
        nxt = None if next_size.value == NO_MESSAGE else next_size.value
        return max_size.value, nxt, count.value, timeout.value

    def set_read_timeout(self, reader: Any, timeout_ms: int) -> None:
        self._set_read_timeout(reader, timeout_ms)

    def get_int(self, reader: Any, key: int) -> int:
        out = c_int64()
        self._get_int(reader, key, byref(out))
        return out.value

    def query(self, name: str, keys: Sequence[int], timeout_ms: int) -> List[int]:
        if self._query is None:
            raise error_for(E_SYSTEM, self.strerror(E_SYSTEM),
                            "the C library %s (version %s) predates mailslot_query (1.1)"
                            % (self.library_path, self.version_string))
        n = len(keys)
        key_array = (c_int * max(n, 1))(*keys)
        values = (c_int64 * max(n, 1))()
        self._query(encode_name(name), key_array, values, n, timeout_ms)
        return [int(v) for v in values[:n]]

    def fd(self, reader: Any) -> int:
        out = ctypes.c_ssize_t()
        self._fd(reader, byref(out))
        return out.value

    def interrupt(self, reader: Any) -> None:
        self._interrupt(reader)

    def reader_name(self, reader: Any) -> str:
        return self._string_out(self._reader_name, reader)

    def reader_close(self, reader: Any) -> None:
        self._reader_close(reader)

    # ---- writer ----------------------------------------------------------

    def open(self, name: str, net: NetworkOptions = NO_NETWORK_OPTIONS) -> Any:
        raw = encode_name(name)
        out = c_void_p()
        if net == NO_NETWORK_OPTIONS:
            self._open(raw, None, byref(out))
            return out.value
        opts = c_void_p()
        self._options_new(byref(opts))
        try:
            self._set_network(opts, net, writer=True)
            self._open(raw, opts, byref(out))
        finally:
            self._options_free(opts)
        return out.value

    def write(self, writer: Any, data: bytes) -> None:
        rc = self._write(writer, data, len(data))
        if rc < 0:
            self._raise(rc)

    def writer_close(self, writer: Any) -> None:
        self._writer_close(writer)

    def handle_value(self, handle: Any) -> int:
        return int(handle)

    def route_log(self, emit: Optional[Callable[[int, str], None]]) -> bool:
        global _log_emit
        if self._set_log_handler is None:
            return False
        _log_emit = emit
        self._set_log_handler(_LOG_CALLBACK if emit is not None else _NO_LOG_CALLBACK, None)
        return True


def load() -> CtypesBackend:
    """Finds the library, checks its major version, binds every function."""
    lib, path = _library.find()
    version, text = _library.check_version(lib, path)
    return CtypesBackend(lib, path, version, text)
