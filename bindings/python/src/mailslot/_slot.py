# SPDX-License-Identifier: MIT
"""The Pythonic layer: ``Mailslot`` (a ``queue.Queue`` look-alike with winsys's
dialect), written once over any backend. Its argument checks are in
``_checks.py``, the values a reader reports in ``_values.py``, the state it
keeps outside itself in ``_state.py`` and winsys's ``mailslot()`` factory in
``_winsys.py``.

Concurrency design
------------------

* A ``Mailslot`` is used by any number of threads. Every use of the C handle
  happens between ``_enter`` and ``_exit``, which count the calls in flight
  of each thread (``_owners``: no entry for a thread without one; "The close
  guard" below says when they take the object's lock). ``close()`` marks the
  object closing, wakes every
  waiter, waits until no call is in flight and only then calls
  ``mailslot_reader_close``/``mailslot_writer_close``: no thread can call
  into C with a freed handle.
* A blocking ``get()`` waits inside ``mailslot_read`` (ctypes releases the
  GIL), where the library receives straight from the writers' sockets: no
  thread hand-off on the way. ``close()`` wakes such reads with
  ``mailslot_interrupt``; a read that entered C just after an interrupt (the
  library wakes only reads already waiting) is woken by the next one:
  ``close()`` repeats the interrupt every ``_CLOSE_RETRY_S`` while calls
  are still in flight.
* In the main thread the wait is cut into slices of ``_SLICE_MS`` so that
  Ctrl-C (``KeyboardInterrupt``) arrives promptly even when the signal was
  delivered to another thread (the library's I/O thread, say); other threads
  wait in one piece.
* ``_WAIT_MODE = "poll"`` is the alternative (kept, and tested, for
  platforms or builds where waiting in C is not wanted): wait in Python with
  ``poll`` on ``mailslot_fd`` and a self-pipe that ``close()`` writes to,
  then read with timeout 0. It costs one more thread hop per message (the
  library's I/O thread fills the queue and signals the descriptor).
* asyncio: one reader callback per (mailslot, event loop) on the descriptor
  and the self-pipe serves every pending ``aget()`` of that loop; it counts
  as one call in flight until it is removed.
* A ``close()`` from inside a call of the same thread (a signal handler, a
  callback) cannot wait for that call: it wakes everything and the last call
  to leave finishes the close.

The close guard
---------------

``_enter``/``_exit``/``close`` are the package's one close guard, for both
backends. It lives here, not in a backend, because what it guards is more
than the C handle: the descriptor and self-pipe that poll waits and asyncio
callbacks use, the role taken on first use, a close from inside a call of
the same thread. The ctypes backend has no guard of its own (it is the
library's functions, nothing more). The SWIG module's objects keep the
shim's guard (``bindings/swig/shim.c``), which is that module's contract for
its own users; under a ``Mailslot`` it only counts, never waits: ``close``
here calls ``reader_close``/``writer_close`` once no call is in flight.

A call that finds the object in use for its role and not closing takes no
lock: ``_enter`` counts the call in ``_owners`` and only then reads
``_closing``; ``close`` sets ``_closing`` (under the lock) and only then
reads ``_owners``. The interpreter runs one bytecode at a time (the GIL), so
of two such pairs one sees the other's write: either the call sees
``_closing`` (and leaves by the locked path, raising Closed) or ``close``
sees the call (and waits for it). ``_exit`` likewise uncounts and then reads
``_closing``, taking the lock to wake ``close`` only when it is set; the
last call to leave is the one that finds ``_owners`` empty under the lock.
Only its own thread changes a thread's entry, so the counts need no lock
either. A role is taken under the lock, its handle stored before the role,
so that a call that sees the role sees the handle.
"""


from __future__ import annotations

import asyncio
import math
import os
import select
import threading
import time
import weakref
from typing import Any, AsyncIterator, ClassVar, Dict, Iterator, Optional, Tuple, Union

from . import _constants as _keys
from . import _errors, _serialisers
from ._backend import Backend, NetworkOptions
from ._checks import (
    MAX_TIME_WINDOW_MS,
    MIN_TIME_WINDOW_MS,
    Domains,
    _check_domains,
    _check_flag,
    _check_int,
    _check_keys,
    _check_optional_int,
    _check_replay_window,
    _check_text,
    _check_timeout,
    _wait_ms,
)
from ._constants import MAX_LOCAL_MESSAGE, MAX_NETWORK_MESSAGE, WAIT_FOREVER
from ._errors import Closed, Empty, InvalidUse, MessageTooBig, SystemFailure
from ._serialisers import TEXT, Serialiser
from ._state import READER, WRITER, _AsyncWaiters, _Resources
from ._values import _SETTING_FIELDS, _STAT_FIELDS, NetworkStats, ReaderSettings

DEFAULT_QUEUE_LIMIT = 65536
MAX_QUEUE_LIMIT = 16777216

#: The longest wait of the main thread before it lets Python run signal
#: handlers (KeyboardInterrupt).
_SLICE_MS = 50
#: How a blocking get() waits: "c" inside mailslot_read, or "poll" on the
#: descriptor in Python (POSIX only). See the module's docstring.
_WAIT_MODE = "c"
#: How often close() repeats mailslot_interrupt while reads are in flight.
_CLOSE_RETRY_S = 0.01

_get_ident = threading.get_ident

_backend: Optional[Backend] = None  # set by the package's __init__
_live: "weakref.WeakSet[Mailslot]" = weakref.WeakSet()


def _set_backend(backend: Backend) -> None:
    global _backend
    _backend = backend


class Mailslot:
    """A mailslot, used as a ``queue.Queue``: ``get`` on a reader, ``put`` on a
    writer.

    A local name (``\\\\.\\mailslot\\...``) becomes a reader on the first
    ``get``/``get_nowait``/``qsize``/``empty``/``full``/``fileno``/``aget``
    and a writer on the first ``put``; a remote name (``\\\\*\\...``, a host
    or a domain) is a writer from the start. Using one object both ways
    raises :class:`InvalidUse`; use one object per role (as winsys did).

    :param name: a mailslot name (see ``mailslot_name_canonical``); a bare
        path such as ``"logger"`` means ``\\\\.\\mailslot\\logger``.
    :param serialiser: a ``(dumps, loads)`` pair; default :data:`TEXT`.
    :param message_size: the largest message in bytes, 0 for the default.
        A reader refuses larger messages (writers get MessageTooBig); a
        writer raises MessageTooBig for larger ones before sending.
    :param timeout_ms: how long ``get()`` waits by default; -1 forever.
    :param queue_limit: (keyword) how many messages the reader's queue holds
        before writers get :class:`Full`.
    :param allow_any_user: (keyword) a reader accepts writers of every local
        user, not only its own user and root.

    The network keywords are the library's network options; each left at
    None is decided by its environment variable (``MAILSLOT_NETWORK``,
    ``MAILSLOT_PORT``, ``MAILSLOT_TTL``, ``MAILSLOT_DOMAIN``,
    ``MAILSLOT_INTERFACE``) or the library's default:

    :param network: (keyword) True uses the network; False keeps to this
        host: a writer then delivers ``\\\\*`` and this host's domains to
        this host only, and a name beyond this host raises
        :class:`NetworkError`; a reader receives nothing from the network.
        Default: on.
    :param port: (keyword) the UDP port, 1..65535 (default 17317); every
        host of one network uses the same.
    :param ttl: (keyword) a writer's multicast TTL for ``\\\\*`` and
        domains, 1..255 (default 1: the local network only). Readers ignore it.
    :param domain: (keyword) the domains this host belongs to: a string
        (``"sales"``; ``"sales,lab"`` for several) or an iterable of strings;
        at most 16 (default ``"workgroup"``).
    :param interface: (keyword) the interface for multicast, by name
        (``"eth0"``) or IPv4 address; ``""`` every interface that is up and
        multicast-capable (the default).
    :param legacy: (keyword) True speaks the remote-mailslot format of
        Windows hosts (NetBIOS datagrams on UDP 138; ``MAILSLOT_LEGACY``;
        abi/mailslot.h, "Legacy mode"): at most 424 bytes, no keys, the
        local subnet only. Default off.
    :param netbios_name: (keyword) this host's NetBIOS name in legacy mode,
        1 to 15 ASCII characters (``MAILSLOT_NETBIOS_NAME``; default the
        host name's first label).

    The network keys (abi/mailslot.h, "Network keys"; they need a library
    built with libsodium) authenticate network messages: a writer with keys
    signs (or signs and encrypts) every network message, a reader with keys
    accepts only those made with one of its keys and counts the others in
    :meth:`stats`. Messages to ``\\\\.\\`` names never use them. Left
    at None, the environment (``MAILSLOT_KEY_FILE``, ``MAILSLOT_SUITE``,
    ``MAILSLOT_REPLAY_WINDOW``, ``MAILSLOT_TIME_WINDOW``,
    ``MAILSLOT_AUTH_MIGRATION``, ``MAILSLOT_AUTH_LOG``) or the default decides:

    :param keys: (keyword) the text of a key file: lines
        ``key <64 hex digits> [send-from=T] [send-until=T] [accept-from=T]
        [accept-until=T] [domain=NAME] [slot=PATH]``, ``#`` comments. Not
        with ``key_file``.
    :param key_file: (keyword) the path of a key file (str or
        ``os.PathLike``), read when the reader or writer is created. It must
        be readable by its owner only (mode 0600), else
        :class:`AccessDenied`; a missing file raises :class:`NotFound`.
    :param suite: (keyword) a writer's suite: 1 signs (the default), 2
        signs and encrypts (readers without keys drop suite 2 messages).
        Readers accept both and ignore it.
    :param replay_window: (keyword) a reader's replay window, sequences
        remembered per sender: 64..1024 in steps of 64 (default 64).
    :param time_window_ms: (keyword) how far a message's timestamp may be
        from a reader's clock, in ms, 1000..86400000 (default 120000).
    :param auth_migration: (keyword) True: a reader with keys also accepts
        messages without authentication (counted as ``auth_unverified``)
        while writers move to keys. Default False.
    :param auth_log: (keyword) False: a reader only counts the messages it
        drops for authentication; True (the default) also logs them to
        stderr, rate-limited.

    Type errors raise ``TypeError`` and values out of range
    :class:`InvalidArgument` (a ``ValueError``) here; a domain or interface
    name or key text the library refuses raises :class:`InvalidArgument`
    when the object is first used (at construction for a remote name, which
    is a writer from the start), as do :class:`AccessDenied` and
    :class:`NotFound` for a key file, and :class:`InvalidArgument` with
    keys in a build without libsodium. A remote name beyond this host while
    the network is off raises :class:`NetworkError` at construction.
    """

    #: The largest message to a remote name (``\\*``, a host, a domain):
    #: MAILSLOT_MAX_NETWORK_MESSAGE. (winsys: 420.)
    MAX_MESSAGE_SIZE: ClassVar[int] = MAX_NETWORK_MESSAGE

    serialiser: Serialiser

    def __init__(
        self,
        name: str,
        serialiser: Serialiser = TEXT,
        message_size: int = 0,
        timeout_ms: int = WAIT_FOREVER,
        *,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        allow_any_user: bool = False,
        network: Optional[bool] = None,
        port: Optional[int] = None,
        ttl: Optional[int] = None,
        domain: Optional[Domains] = None,
        interface: Optional[str] = None,
        keys: Optional[str] = None,
        key_file: Optional[Union[str, "os.PathLike[str]"]] = None,
        suite: Optional[int] = None,
        replay_window: Optional[int] = None,
        time_window_ms: Optional[int] = None,
        auth_migration: Optional[bool] = None,
        auth_log: Optional[bool] = None,
        legacy: Optional[bool] = None,
        netbios_name: Optional[str] = None,
    ) -> None:
        if _backend is None:  # pragma: no cover - the package sets it at import
            raise ImportError("mailslot: no backend loaded")
        self._b: Backend = _backend
        self._res = _Resources(self._b)
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        #: calls in flight by thread; empty when none is
        self._owners: Dict[int, int] = {}
        self._async: Dict[asyncio.AbstractEventLoop, _AsyncWaiters] = {}
        self._closing = False
        self._closed = False
        self._close_deferred = False
        self._finalizer: Optional[weakref.finalize] = None

        self.serialiser = _serialisers.check(serialiser)
        self._message_size = _check_int(message_size, "message_size", 0, MAX_LOCAL_MESSAGE)
        self._timeout_ms = _check_timeout(timeout_ms)
        self._queue_limit = _check_int(queue_limit, "queue_limit", 1, MAX_QUEUE_LIMIT)
        self._allow_any_user = bool(allow_any_user)
        self._domains = _check_domains(domain)
        keys, key_file = _check_keys(keys, key_file)
        self._net = NetworkOptions(
            network=_check_flag(network, "network"),
            port=_check_optional_int(port, "port", 1, 65535),
            ttl=_check_optional_int(ttl, "ttl", 1, 255),
            domain=None if self._domains is None else ",".join(self._domains),
            interface=None if interface is None else _check_text(interface, "interface"),
            keys=keys,
            key_file=key_file,
            suite=_check_optional_int(suite, "suite", 1, 2),
            replay_window=_check_replay_window(replay_window),
            time_window_ms=_check_optional_int(time_window_ms, "time_window_ms", MIN_TIME_WINDOW_MS,
                                               MAX_TIME_WINDOW_MS),
            auth_migration=_check_flag(auth_migration, "auth_migration"),
            auth_log=_check_flag(auth_log, "auth_log"),
            legacy=_check_flag(legacy, "legacy"),
            netbios_name=None if netbios_name is None else _check_text(netbios_name, "netbios_name"),
        )
        self._name = name
        self._canonical = self._b.canonical(name)  # validates: InvalidName
        self._remote = not self._canonical.startswith("\\\\.\\")
        # put's size limit, fixed from here on.
        self._limit, self._limit_why = MAX_LOCAL_MESSAGE, "the local limit"
        if self._remote:
            self._limit, self._limit_why = MAX_NETWORK_MESSAGE, "the network limit for a remote name"
        if self._message_size and self._message_size < self._limit:
            self._limit, self._limit_why = self._message_size, "message_size"
        _live.add(self)
        if self._remote:
            with self._lock:
                self._become(WRITER)

    # ---- properties ---------------------------------------------------------

    @property
    def name(self) -> str:
        """The name as given."""
        return self._name

    @property
    def canonical_name(self) -> str:
        """The canonical form of the name (``\\\\HOST\\mailslot\\path``)."""
        return self._canonical

    @property
    def message_size(self) -> int:
        """The message size limit given (0: the default limit)."""
        return self._message_size

    @property
    def queue_limit(self) -> int:
        """How many messages the reader's queue holds: a reader's limit in
        effect (from the library), else the value given."""
        with self._lock:
            live = self._res.role == READER and not self._closing
            if live:
                self._enter_locked()
        if not live:
            return self._queue_limit
        try:
            return self._b.get_int(self._res.handle, _keys.OPT_QUEUE_LIMIT)
        finally:
            self._exit()

    @property
    def network(self) -> Optional[bool]:
        """The ``network`` given; None: ``MAILSLOT_NETWORK`` decides (a
        reader's value in effect is ``settings().network``)."""
        return self._net.network

    @property
    def port(self) -> Optional[int]:
        """The ``port`` given; None: ``MAILSLOT_PORT`` decides (a reader's
        value in effect is ``settings().port``)."""
        return self._net.port

    @property
    def ttl(self) -> Optional[int]:
        """The ``ttl`` given; None: ``MAILSLOT_TTL`` decides."""
        return self._net.ttl

    @property
    def domain(self) -> Optional[Tuple[str, ...]]:
        """The domains given, one per item (``()``: none); None:
        ``MAILSLOT_DOMAIN`` decides."""
        return self._domains

    @property
    def interface(self) -> Optional[str]:
        """The ``interface`` given; None: ``MAILSLOT_INTERFACE`` decides."""
        return self._net.interface

    @property
    def legacy(self) -> Optional[bool]:
        """The ``legacy`` given; None: ``MAILSLOT_LEGACY`` decides."""
        return self._net.legacy

    @property
    def netbios_name(self) -> Optional[str]:
        """The ``netbios_name`` given; None: ``MAILSLOT_NETBIOS_NAME`` or the
        host name decides."""
        return self._net.netbios_name

    @property
    def key_file(self) -> Optional[str]:
        """The ``key_file`` given; None: ``keys`` or ``MAILSLOT_KEY_FILE``
        decides (a reader's number of keys is ``settings().keys``). The
        ``keys`` text given is not kept readable here: it is key material."""
        return self._net.key_file

    @property
    def suite(self) -> Optional[int]:
        """The ``suite`` given; None: ``MAILSLOT_SUITE`` decides."""
        return self._net.suite

    @property
    def replay_window(self) -> Optional[int]:
        """The ``replay_window`` given; None: ``MAILSLOT_REPLAY_WINDOW``
        decides (a reader's value in effect is ``settings().replay_window``)."""
        return self._net.replay_window

    @property
    def time_window_ms(self) -> Optional[int]:
        """The ``time_window_ms`` given; None: ``MAILSLOT_TIME_WINDOW``
        decides (a reader's value in effect is ``settings().time_window_ms``)."""
        return self._net.time_window_ms

    @property
    def auth_migration(self) -> Optional[bool]:
        """The ``auth_migration`` given; None: ``MAILSLOT_AUTH_MIGRATION`` decides."""
        return self._net.auth_migration

    @property
    def auth_log(self) -> Optional[bool]:
        """The ``auth_log`` given; None: ``MAILSLOT_AUTH_LOG`` decides."""
        return self._net.auth_log

    @property
    def timeout_ms(self) -> int:
        """How long ``get()`` waits when not told otherwise; -1 forever."""
        return self._timeout_ms

    @timeout_ms.setter
    def timeout_ms(self, value: int) -> None:
        value = _check_timeout(value)
        self._timeout_ms = value
        with self._lock:
            usable = self._res.role == READER and not self._closing
            if usable:
                self._enter_locked()
        if usable:
            try:
                self._b.set_read_timeout(self._res.handle, value)
            finally:
                self._exit()

    @property
    def role(self) -> Optional[str]:
        """``"reader"``, ``"writer"``, or None while the object is unused."""
        return self._res.role

    @property
    def closed(self) -> bool:
        return self._closing

    def __repr__(self) -> str:
        state = "closed" if self._closing else (self._res.role or "unused")
        return "<%s %s %s>" % (type(self).__name__, self._canonical, state)

    # ---- handle lifetime ----------------------------------------------------

    def _closed_error(self) -> Closed:
        return Closed("%s is closed" % self._canonical, code=_errors.E_CLOSED)

    def _timeout_error(self, timeout_ms: int) -> Empty:
        return Empty(
            "no message arrived at %s within %d ms" % (self._canonical, timeout_ms), code=_errors.E_TIMEOUT
        )

    def _become(self, role: str) -> None:
        """Opens the C handle for role; under the lock, role unset."""
        res = self._res
        if role == READER:
            if self._remote:  # pragma: no cover - remote objects are writers from the start
                raise InvalidUse("%s is a remote name: it can only be written to" % self._canonical)
            handle = self._b.create(
                self._name, self._message_size, self._timeout_ms, self._queue_limit, self._allow_any_user, self._net
            )
        else:
            handle = self._b.open(self._name, self._net)
        res.handle = handle
        res.role = role  # after the handle: _enter's unlocked path reads role first
        fin = weakref.finalize(self, res.release)
        fin.atexit = False  # at exit, daemon threads may still be inside a call
        self._finalizer = fin

    def _enter_locked(self, owner: Optional[int] = None) -> None:
        me = _get_ident() if owner is None else owner
        self._owners[me] = self._owners.get(me, 0) + 1

    def _enter(self, role: str) -> Any:
        """Starts a call that uses the handle of role; returns the handle."""
        me = _get_ident()
        owners = self._owners
        owners[me] = owners.get(me, 0) + 1  # counted, then _closing read: see "The close guard"
        res = self._res
        if res.role == role and not self._closing:
            return res.handle
        self._exit(me)  # the unusual cases, under the lock
        with self._lock:
            if res.role != role or self._closing:
                self._enter_check_locked(role)
            self._enter_locked(me)
            return res.handle

    def _enter_check_locked(self, role: str) -> None:
        """_enter's unusual cases: closed, first use, wrong role."""
        if self._closing:
            raise self._closed_error()
        current = self._res.role
        if current is None:
            self._become(role)
        elif current != role:
            raise InvalidUse(
                "%s is used for %s; it cannot also be used for %s (use another object)"
                % (self._canonical, "reading" if current == READER else "writing",
                   "reading" if role == READER else "writing")
            )

    def _exit(self, owner: Optional[int] = None) -> None:
        """Ends a call started by _enter (or an asyncio registration)."""
        me = _get_ident() if owner is None else owner
        owners = self._owners
        left = owners.get(me, 1) - 1  # absent: reset by a fork in this call
        if left > 0:
            owners[me] = left
        else:
            owners.pop(me, None)
        if self._closing:  # read after the count: see "The close guard"
            with self._lock:
                if not self._owners:
                    if self._close_deferred and not self._closed:
                        self._finish_close_locked()
                    self._cond.notify_all()

    def _fd_locked(self) -> int:
        """The reader's descriptor (mailslot_fd), asked for on first need: the
        library keeps it up to date only from then on. Under the lock, as a
        reader, not closing."""
        res = self._res
        if res.fd is None:
            res.fd = self._b.fd(res.handle)
        return res.fd

    def _waitables_locked(self) -> Tuple[int, int]:
        """The reader's descriptor and the self-pipe's read end (POSIX), made
        on first need; under the lock, as a reader, not closing."""
        res = self._res
        fd = self._fd_locked()
        if res.wake_r is None:
            r, w = os.pipe()
            for end in (r, w):
                os.set_blocking(end, False)
                os.set_inheritable(end, False)
            res.wake_r, res.wake_w = r, w
        return fd, res.wake_r

    def _waitables(self) -> Tuple[int, int]:
        with self._lock:
            if self._closing:
                raise self._closed_error()
            return self._waitables_locked()

    def _finish_close_locked(self) -> None:
        self._closed = True
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        self._res.release()
        self._cond.notify_all()

    def close(self) -> None:
        """Closes the mailslot: a reader's name is free again, and every
        ``get()``/``aget()`` waiting in other threads or tasks raises
        :class:`Closed` (iteration ends). Idempotent. Returns once the handle
        is closed, except when called from inside a call on this object in
        the same thread (a signal handler): then that call, as it leaves,
        finishes the close."""
        me = threading.get_ident()
        with self._lock:
            if self._closed:
                return
            if not self._closing:
                self._closing = True
                res = self._res
                if res.wake_w is not None:
                    try:
                        os.write(res.wake_w, b"x")
                    except OSError:
                        pass  # full: a byte is there already
                if res.role == READER and res.handle is not None and self._owners:
                    self._b.interrupt(res.handle)  # reads waiting in C (no poll)
            here = [w for w in self._async.values() if w.owner == me or not w.loop.is_running()]
        for waiters in here:
            waiters.teardown()
        with self._lock:
            if self._closed:
                return
            if self._owners.get(me):
                self._close_deferred = True
                return
            while not self._closed and self._owners:
                res = self._res
                if res.role == READER and res.handle is not None:
                    # A read may have entered C after the last interrupt.
                    if not self._cond.wait(_CLOSE_RETRY_S) and self._owners and not self._closed:
                        self._b.interrupt(res.handle)
                else:
                    self._cond.wait()
            if not self._closed:
                self._finish_close_locked()

    def __enter__(self) -> "Mailslot":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- reading ------------------------------------------------------------

    def _wait(self, handle: Any, timeout_ms: int) -> bytes:
        """get's wait for a message, once none was there (timeout_ms != 0)."""
        if _WAIT_MODE == "poll":
            return self._wait_poll(handle, timeout_ms)
        return self._wait_c(handle, timeout_ms)

    def _wait_c(self, handle: Any, timeout_ms: int) -> bytes:
        """Waits inside mailslot_read: in one piece, or in slices of
        _SLICE_MS in the main thread (for signal handlers)."""
        sliced = threading.current_thread() is threading.main_thread()
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000.0
        while True:
            if self._closing:
                raise self._closed_error()
            wait = WAIT_FOREVER
            if deadline is not None:
                wait = max(0, int(math.ceil((deadline - time.monotonic()) * 1000)))
            if sliced and (wait < 0 or wait > _SLICE_MS):
                wait = _SLICE_MS
            try:
                return self._b.read(handle, wait)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise self._timeout_error(timeout_ms) from None
            except _errors.Interrupted:
                if self._closing:
                    raise self._closed_error() from None

    def _wait_poll(self, handle: Any, timeout_ms: int) -> bytes:
        """Waits in Python with poll on the descriptor and the self-pipe, then
        reads with timeout 0."""
        fd, wake = self._waitables()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        poller.register(wake, select.POLLIN)
        sliced = threading.current_thread() is threading.main_thread()
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000.0
        while True:
            if deadline is None:
                wait: Optional[int] = _SLICE_MS if sliced else None
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    data = self._b.poll(handle)
                    if data is None:
                        raise self._timeout_error(timeout_ms)
                    return data
                wait = int(math.ceil(left * 1000))
                if sliced and wait > _SLICE_MS:
                    wait = _SLICE_MS
            ready = poller.poll(wait)
            if self._closing:
                raise self._closed_error()
            if ready:
                for _, events in ready:
                    if events & select.POLLNVAL:
                        raise SystemFailure("the descriptor of %s is not valid" % self._canonical)
                data = self._b.poll(handle)
                if data is not None:
                    return data
                # else another thread took it

    def get(self, block: bool = True, timeout_ms: Optional[int] = None, *,
            timeout: Optional[float] = None) -> Any:
        """Removes and returns the next message, deserialised.

        :param block: False raises :class:`Empty` at once when no message
            waits, whatever ``timeout_ms`` or ``timeout`` says (as
            ``queue.Queue`` does).
        :param timeout_ms: how long to wait, in milliseconds (winsys): -1
            forever, 0 not at all.
        :param timeout: (keyword) how long to wait, in seconds
            (``queue.Queue``): 0 not at all, a float for fractions. Not with
            ``timeout_ms``.
        :raises Empty: nothing arrived in time (``queue.Empty``).
        :raises Closed: the object was closed, possibly while waiting.
        :raises MessageTooComplex: the serialiser could not read the message.
        :raises TypeError: both ``timeout_ms`` and ``timeout`` were given.
        :raises InvalidArgument: a negative ``timeout`` (a ``ValueError``).

        With neither timeout (or both None), ``get`` waits as long as the
        object's ``timeout_ms`` says: forever unless it was set.
        """
        if timeout_ms is None and timeout is None:
            wait = self._timeout_ms if block else 0
        else:
            wait = _wait_ms(block, timeout_ms, timeout)  # not None: a timeout was given
        handle = self._enter(READER)
        try:
            if wait == 0:
                data = self._b.read(handle, 0)  # Empty, with the library's sentence
            else:
                # First without waiting: cheaper in the library than a read
                # that may wait (which disarms and re-arms the I/O thread)
                # when a message is there already.
                polled = self._b.poll(handle)
                data = self._wait(handle, wait) if polled is None else polled
        finally:
            self._exit()
        try:  # _serialisers.loads, inlined
            return self.serialiser[1](data)
        except Exception as e:
            raise _serialisers.loads_error(data, e) from e

    def get_nowait(self) -> Any:
        """``get(block=False)``."""
        return self.get(False)

    def _info(self) -> Tuple[int, Optional[int], int, int]:
        handle = self._enter(READER)
        try:
            return self._b.info(handle)
        finally:
            self._exit()

    def qsize(self) -> int:
        """How many messages wait now (a snapshot)."""
        return self._info()[2]

    def empty(self) -> bool:
        """True if no message waits now."""
        return self.qsize() == 0

    def full(self) -> bool:
        """True if the queue holds as many messages as the reader's queue
        limit in effect (writers get Full)."""
        handle = self._enter(READER)
        try:
            return self._b.info(handle)[2] >= self._b.get_int(handle, _keys.OPT_QUEUE_LIMIT)
        finally:
            self._exit()

    def stats(self) -> NetworkStats:
        """The reader's counters of network messages, those of the network
        keys included, each a snapshot (makes the object a reader)."""
        handle = self._enter(READER)
        try:
            get = self._b.get_int
            return NetworkStats(**{field: get(handle, key) for field, key in _STAT_FIELDS})
        finally:
            self._exit()

    def settings(self) -> ReaderSettings:
        """The reader's settings in effect, wherever they came from, the
        network keys' included (makes the object a reader)."""
        handle = self._enter(READER)
        try:
            get = self._b.get_int
            values: Dict[str, Any] = {}
            for field, key, flag in _SETTING_FIELDS:
                value = get(handle, key)
                values[field] = value != 0 if flag else value
            return ReaderSettings(**values)
        finally:
            self._exit()

    def next_size(self) -> Optional[int]:
        """The size in bytes of the next message, or None when none waits."""
        return self._info()[1]

    def fileno(self) -> int:
        """A descriptor that is readable while a message waits, for
        ``select``/``selectors``/``poll`` (makes the object a reader). It
        belongs to the mailslot: do not read or close it; it is valid until
        ``close()``."""
        self._enter(READER)
        try:
            with self._lock:
                return self._fd_locked()
        finally:
            self._exit()

    def pyobject(self) -> int:
        """winsys's underlying handle: for a reader, the waitable descriptor
        (``fileno()``); for a writer, the C handle as an int.

        :raises InvalidUse: the object is neither a reader nor a writer yet.
        """
        with self._lock:
            if self._closing:
                raise self._closed_error()
            role = self._res.role
            if role is None:
                raise InvalidUse("%s has not yet been used for reading or writing" % self._canonical)
            if role == WRITER:
                return int(self._b.handle_value(self._res.handle))
        return self.fileno()

    def __iter__(self) -> Iterator[Any]:
        """Yields messages as they arrive. Ends when the object is closed
        (from another thread, say) or when ``timeout_ms`` (if not -1) passes
        without a message."""
        while True:
            try:
                message = self.get()
            except (Closed, Empty):
                return
            yield message

    # ---- asyncio ------------------------------------------------------------

    def _async_register(self, loop: asyncio.AbstractEventLoop) -> _AsyncWaiters:
        with self._lock:
            if self._closing:
                raise self._closed_error()
            waiters = self._async.get(loop)
            if waiters is None or not waiters.active:
                fd, wake = self._waitables_locked()
                waiters = _AsyncWaiters(self, loop, self._res.handle, fd, wake)
                self._async[loop] = waiters
                self._enter_locked(waiters.owner)
            return waiters

    def _async_unregister(self, waiters: _AsyncWaiters) -> None:
        with self._lock:
            if self._async.get(waiters.loop) is waiters:
                del self._async[waiters.loop]
        self._exit(waiters.owner)

    async def aget(self, timeout_ms: Optional[int] = None, *, timeout: Optional[float] = None) -> Any:
        """``await slot.aget()``: the next message, waiting in the event loop
        on the mailslot's descriptor (no thread, no polling).

        :param timeout_ms: in milliseconds: -1 forever, 0 not at all (then
            :class:`Empty` at once).
        :param timeout: (keyword) in seconds, as ``get`` takes it; not with
            ``timeout_ms``. Neither: the object's ``timeout_ms``.
        """
        wait = _wait_ms(True, timeout_ms, timeout)
        if wait is None:
            wait = self._timeout_ms
        handle = self._enter(READER)
        try:
            polled = self._b.read(handle, 0) if wait == 0 else self._b.poll(handle)
        finally:
            self._exit()
        if polled is not None:
            data = polled
        else:
            loop = asyncio.get_running_loop()
            fut: "asyncio.Future[bytes]" = loop.create_future()
            waiters = self._async_register(loop)
            waiters.futures.append(fut)
            timer = None
            if wait > 0:
                timer = loop.call_later(wait / 1000.0, _expire, fut, self._timeout_error(wait))
            try:
                data = await fut
            finally:
                if timer is not None:
                    timer.cancel()
                waiters.discard(fut)
        return _serialisers.loads(self.serialiser, data)

    async def aiter(self, timeout_ms: Optional[int] = None, *,
                    timeout: Optional[float] = None) -> AsyncIterator[Any]:
        """``async for message in slot.aiter():`` messages as they arrive;
        ends when the object is closed or ``timeout_ms`` (or ``timeout``, in
        seconds) passes without one."""
        while True:
            try:
                message = await self.aget(timeout_ms, timeout=timeout)
            except (Closed, Empty):
                return
            yield message

    def __aiter__(self) -> AsyncIterator[Any]:
        return self.aiter()

    # ---- writing ------------------------------------------------------------

    def put(self, data: Any, block: bool = True, timeout_ms: Optional[int] = None, *,
            timeout: Optional[float] = None) -> None:
        """Serialises ``data`` and sends it as one message. Never blocks:
        ``block`` and ``timeout_ms`` or ``timeout`` (seconds) are accepted for
        winsys and ``queue.Queue`` compatibility, checked as ``get`` checks
        them, and ignored (a full reader raises :class:`Full` at once).

        :raises MessageTooBig: larger than ``message_size`` (when set), than
            MAX_MESSAGE_SIZE for a remote name, or than the reader accepts;
            nothing was sent.
        :raises NotFound: a local name that no reader owns.
        :raises Full: the reader's queue is at its limit; nothing was sent.
        :raises MessageTooComplex: the serialiser could not handle ``data``.
        """
        if timeout_ms is not None or timeout is not None:
            _wait_ms(block, timeout_ms, timeout)  # checked, as get checks them
        try:  # _serialisers.dumps, inlined
            payload = self.serialiser[0](data)
        except Exception as e:
            raise _serialisers.dumps_error(data, e) from e
        if type(payload) is not bytes:
            payload = _serialisers.as_bytes(payload)
        if len(payload) > self._limit:
            raise MessageTooBig(
                "a message of %d bytes exceeds %s of %d bytes for %s"
                % (len(payload), self._limit_why, self._limit, self._canonical),
                code=_errors.E_TOO_BIG,
            )
        handle = self._enter(WRITER)
        try:
            self._b.write(handle, payload)
        finally:
            self._exit()

    def put_nowait(self, data: Any) -> None:
        """``put(data)`` (writes never block)."""
        self.put(data)


def _expire(fut: "asyncio.Future[Any]", error: BaseException) -> None:
    if not fut.done():
        fut.set_exception(error)


def _after_fork_in_child() -> None:
    # A forked child must not use its parent's handles: every Mailslot that
    # crossed the fork is closed in the child, without touching the C handle.
    for slot in list(_live):
        slot._lock = threading.Lock()
        slot._cond = threading.Condition(slot._lock)
        slot._owners = {}
        slot._async = {}
        slot._closing = slot._closed = True
        if slot._finalizer is not None:
            slot._finalizer.detach()
            slot._finalizer = None
        slot._res.handle = None
        slot._res.fd = None
        slot._res.close_pipe()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
