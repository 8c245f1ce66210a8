# SPDX-License-Identifier: MIT
"""What a reader reports of itself: its counters (``Mailslot.stats()``) and
its settings in effect (``Mailslot.settings()``), and the keys each field reads.

Both classes are made from the library's table (abi/constants.txt, through
_constants.py): a counter or a setting added there is a field here."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Tuple

from . import _constants as _keys

#: NetworkStats' fields and the counters they read: every counter of the
#: library, named as ``mailslot stats`` names it without the ``net_`` prefix
#: (net_received: received).
_STAT_FIELDS = tuple((name[len("net_"):] if name.startswith("net_") else name, key)
                     for name, key in _keys.COUNTERS)
_DROPPED = tuple(field for (field, _), (name, _) in zip(_STAT_FIELDS, _keys.COUNTERS) if name in _keys.DROPPED)

#: ReaderSettings' fields, the values they read, and whether each is a flag.
_SETTING_FIELDS = _keys.SETTINGS

#: The defaults of ReaderSettings' fields of the network keys (the library's
#: own), for a ReaderSettings made by hand; a setting added later defaults to
#: None there. Mailslot.settings() fills every field.
_SETTING_DEFAULTS: Dict[str, Any] = {
    "keys": 0, "suite": 1, "replay_window": 64, "time_window_ms": 120000, "auth_migration": False,
    "auth_log": True,
}


def _dropped(self: Any) -> int:
    """Every dropped message, whatever the reason (authentication included)."""
    return sum(getattr(self, field) for field in _DROPPED)


def _auth_dropped(self: Any) -> int:
    """The messages dropped for authentication, whatever the reason."""
    return sum(getattr(self, field) for field in _DROPPED if field.startswith("auth_"))


NetworkStats = dataclasses.make_dataclass(
    "NetworkStats", [(field, int, dataclasses.field(default=0)) for field, _ in _STAT_FIELDS],
    namespace={"dropped": property(_dropped), "auth_dropped": property(_auth_dropped),
               "__module__": __name__,
               "__doc__": """A reader's counters of network messages (``Mailslot.stats()``): those
    it queued and those it dropped, by reason, one field per counter of
    ``mailslot stats`` (abi/mailslot.h, MAILSLOT_STAT_*) named without its
    ``net_`` prefix; ``received`` counts messages queued, each once after every
    check, not datagrams seen, and the ``auth_`` fields move for a reader with
    keys only. Each field is 0 when not given. A network sender cannot be told
    of a drop, so the reader counts it; local writers are told instead
    (:class:`Full`, :class:`MessageTooBig`) and are not counted.

    Fields: %s; dropped: %s.""" % (", ".join(field for field, _ in _STAT_FIELDS), ", ".join(_DROPPED))},
    frozen=True)


def _setting_fields() -> List[Tuple[str, type, Any]]:
    """ReaderSettings' fields: (name, type, field), those without a default first."""
    fields: List[Tuple[str, type, Any]] = []
    defaulted = False
    for name, _, flag in _SETTING_FIELDS:
        defaulted = defaulted or name in _SETTING_DEFAULTS
        spec = dataclasses.field(default=_SETTING_DEFAULTS.get(name)) if defaulted else dataclasses.field()
        fields.append((name, bool if flag else int, spec))
    return fields


ReaderSettings = dataclasses.make_dataclass(
    "ReaderSettings", _setting_fields(),
    namespace={"__module__": __name__,
               "__doc__": """A reader's settings in effect (``Mailslot.settings()``), wherever they
    came from: the arguments, the environment (``MAILSLOT_NETWORK``,
    ``MAILSLOT_PORT``, ``MAILSLOT_KEY_FILE``, ...) or the library's defaults:
    max_message_size, read_timeout_ms, queue_limit, allow_any_user (bool),
    network (bool: the reader receives from the network), port (UDP), keys
    (how many network keys the reader has; 0: it accepts network messages
    without authentication), suite (1 signed, 2 signed and encrypted; a reader
    accepts both), replay_window (sequences remembered per sender),
    time_window_ms (how far a message's timestamp may be from the reader's
    clock), auth_migration (bool: messages without authentication are
    accepted too) and auth_log (bool: dropped messages are logged). The
    network keys' fields default to the library's defaults."""},
    frozen=True)
