# SPDX-License-Identifier: MIT
"""winsys's surface: ``qualify`` (its rule for names) and the ``mailslot()``
factory (its ``ipc.mailslot``) over :class:`Mailslot`."""

from __future__ import annotations

import os
import re
from typing import Any, Optional, Union

from ._checks import Domains
from ._constants import WAIT_FOREVER
from ._serialisers import MARSHAL, TEXT
from ._slot import Mailslot


_QUALIFIED = re.compile(r"^[\\/]{2}[^\\/]+[\\/]mailslot[\\/]", re.IGNORECASE)


def qualify(name: str) -> str:
    """winsys's rule: a name that does not start ``\\\\<host>\\mailslot\\``
    means ``\\\\.\\mailslot\\<name>``."""
    if _QUALIFIED.match(name):
        return name
    return "\\\\.\\mailslot\\" + name


def mailslot(
    mailslot: Any,
    marshalled: bool = False,
    message_size: int = 0,
    timeout_ms: int = WAIT_FOREVER,
    *,
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
) -> Any:
    """Returns a :class:`Mailslot` for a name (winsys's ``ipc.mailslot``).

    A ``Mailslot`` is returned unchanged, and None gives None. A name that is
    not fully qualified (``\\\\<host>\\mailslot\\...``) is taken as local:
    ``\\\\.\\mailslot\\<name>``.

    :param marshalled: True selects Python's ``marshal`` (:data:`MARSHAL`,
        winsys's default, readable only from Python); False (the default here)
        selects :data:`TEXT`, UTF-8 that every language reads.

    The keywords ``network``, ``port``, ``ttl``, ``domain``, ``interface``,
    ``legacy`` and ``netbios_name`` are :class:`Mailslot`'s network options, and ``keys``,
    ``key_file``, ``suite``, ``replay_window``, ``time_window_ms``,
    ``auth_migration`` and ``auth_log`` its network keys (None: the
    environment decides).
    """
    if mailslot is None:
        return None
    if isinstance(mailslot, Mailslot):
        return mailslot
    if not isinstance(mailslot, str):
        raise TypeError("a mailslot name must be str, not %s" % type(mailslot).__name__)
    return Mailslot(
        qualify(mailslot),
        MARSHAL if marshalled else TEXT,
        message_size,
        timeout_ms,
        network=network,
        port=port,
        ttl=ttl,
        domain=domain,
        interface=interface,
        keys=keys,
        key_file=key_file,
        suite=suite,
        replay_window=replay_window,
        time_window_ms=time_window_ms,
        auth_migration=auth_migration,
        auth_log=auth_log,
        legacy=legacy,
        netbios_name=netbios_name,
    )
