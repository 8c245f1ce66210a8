# SPDX-License-Identifier: MIT
"""The reader/writer state a ``Mailslot`` keeps outside itself: its role, the C
handle and the self-pipe (``_Resources``, which a weakref finalizer frees),
and the pending ``aget()`` calls of one event loop (``_AsyncWaiters``)."""

from __future__ import annotations

import asyncio
import collections
import os
import threading
from typing import TYPE_CHECKING, Any, Deque, Optional

from ._backend import Backend
from ._errors import MailslotError

if TYPE_CHECKING:  # pragma: no cover
    from ._slot import Mailslot

READER = "reader"
WRITER = "writer"


class _Resources:
    """What a Mailslot owns outside Python: the C handle and the self-pipe.
    Kept apart from the Mailslot so that a weakref finalizer can free it."""

    __slots__ = ("backend", "role", "handle", "fd", "wake_r", "wake_w")

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.role: Optional[str] = None
        self.handle: Any = None
        self.fd: Optional[int] = None
        self.wake_r: Optional[int] = None
        self.wake_w: Optional[int] = None

    def close_pipe(self) -> None:
        for fd in (self.wake_r, self.wake_w):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.wake_r = self.wake_w = None

    def release(self) -> None:
        handle, role = self.handle, self.role
        self.handle = None
        self.fd = None
        if handle is not None:
            if role == READER:
                self.backend.reader_close(handle)
            else:
                self.backend.writer_close(handle)
        self.close_pipe()


class _AsyncWaiters:
    """The pending aget() calls of one Mailslot in one event loop, served by
    one reader callback on the descriptor and one on the self-pipe."""

    def __init__(self, slot: "Mailslot", loop: asyncio.AbstractEventLoop, handle: Any, fd: int, wake: int) -> None:
        self.slot = slot
        self.loop = loop
        self.handle = handle
        self.fd = fd
        self.wake = wake
        self.owner = threading.get_ident()
        self.futures: Deque["asyncio.Future[bytes]"] = collections.deque()
        self.active = True
        loop.add_reader(fd, self._on_ready)
        loop.add_reader(wake, self._on_wake)

    def _on_ready(self) -> None:
        backend = self.slot._b
        while self.futures:
            fut = self.futures[0]
            if fut.done():
                self.futures.popleft()
                continue
            if self.slot._closing:
                self.teardown()
                return
            try:
                data = backend.poll(self.handle)
            except MailslotError as e:
                self.futures.popleft()
                fut.set_exception(e)
                continue
            if data is None:
                return  # another reader took it: wait on
            self.futures.popleft()
            fut.set_result(data)
        self._unregister()

    def _on_wake(self) -> None:
        if self.slot._closing:
            self.teardown()

    def teardown(self) -> None:
        """Fails every pending aget() with Closed and removes the callbacks."""
        while self.futures:
            fut = self.futures.popleft()
            if not fut.done():
                fut.set_exception(self.slot._closed_error())
        self._unregister()

    def discard(self, fut: "asyncio.Future[bytes]") -> None:
        try:
            self.futures.remove(fut)
        except ValueError:
            pass
        if not self.futures:
            self._unregister()

    def _unregister(self) -> None:
        if not self.active:
            return
        self.active = False
        if not self.loop.is_closed():
            self.loop.remove_reader(self.fd)
            self.loop.remove_reader(self.wake)
        self.slot._async_unregister(self)
