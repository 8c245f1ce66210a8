# SPDX-License-Identifier: MIT
"""What a reader reports of itself: its counters (``Mailslot.stats()``) and
its settings in effect (``Mailslot.settings()``), and the keys each field reads."""

from __future__ import annotations

from dataclasses import dataclass

from . import _constants as _keys


@dataclass(frozen=True)
class NetworkStats:
    """A reader's counters of network messages (``Mailslot.stats()``): those
    it queued and those it dropped, by reason. A network sender cannot be told
    of a drop, so the reader counts it; local writers are told instead
    (:class:`Full`, :class:`MessageTooBig`) and are not counted."""

    #: messages queued, each once after every check: not datagrams seen (MAILSLOT_STAT_NET_RECEIVED)
    received: int
    #: dropped: broke a rule of the protocol
    malformed: int
    #: dropped: a protocol version this build lacks
    unknown_version: int
    #: dropped: for another slot, or the reader's network is off
    misaddressed: int
    #: dropped: a copy of a message already queued
    duplicate: int
    #: dropped: over the reader's message size, or its queue was full
    over_limit: int
    # A reader with keys (0 for one without): messages dropped by reason, and
    # how the accepted ones were authenticated (MAILSLOT_STAT_AUTH_*).
    #: dropped: no authentication (and no ``auth_migration``)
    auth_none: int = 0
    #: dropped: a key the reader lacks, or whose period or scope does not cover it
    auth_unknown_key: int = 0
    #: dropped: forged or changed on the way
    auth_bad_tag: int = 0
    #: dropped: behind its sender's replay window
    auth_replay: int = 0
    #: dropped: a timestamp older than the time window
    auth_stale: int = 0
    #: dropped: a timestamp ahead of the time window
    auth_future: int = 0
    #: dropped: a new sender while the sender table was full
    auth_table_full: int = 0
    #: accepted with a valid tag
    auth_verified: int = 0
    #: accepted without one (``auth_migration``)
    auth_unverified: int = 0

    @property
    def dropped(self) -> int:
        """Every dropped message, whatever the reason (authentication included)."""
        return (self.malformed + self.unknown_version + self.misaddressed + self.duplicate + self.over_limit
                + self.auth_dropped)

    @property
    def auth_dropped(self) -> int:
        """The messages dropped for authentication, whatever the reason."""
        return (self.auth_none + self.auth_unknown_key + self.auth_bad_tag + self.auth_replay + self.auth_stale
                + self.auth_future + self.auth_table_full)


#: NetworkStats' fields and the counters they read: every counter of the
#: library (_constants.py, from abi/constants.txt), named as ``mailslot stats``
#: names it without the ``net_`` prefix (net_received: received).
_STAT_FIELDS = tuple((name[len("net_"):] if name.startswith("net_") else name, key)
                     for name, key in _keys.COUNTERS)


@dataclass(frozen=True)
class ReaderSettings:
    """A reader's settings in effect (``Mailslot.settings()``), wherever they
    came from: the arguments, the environment (``MAILSLOT_NETWORK``,
    ``MAILSLOT_PORT``, ``MAILSLOT_KEY_FILE``, ...) or the library's defaults.
    The network keys' fields default to the library's defaults."""

    max_message_size: int
    read_timeout_ms: int
    queue_limit: int
    allow_any_user: bool
    #: True when the reader receives from the network
    network: bool
    #: the UDP port
    port: int
    #: how many network keys the reader has (0: it accepts network messages
    #: without authentication)
    keys: int = 0
    #: the suite (1 signed, 2 signed and encrypted); a reader accepts both
    suite: int = 1
    #: sequences remembered per sender
    replay_window: int = 64
    #: how far a message's timestamp may be from the reader's clock, in ms
    time_window_ms: int = 120000
    #: True: messages without authentication are accepted too
    auth_migration: bool = False
    #: True: dropped messages are logged to stderr
    auth_log: bool = True


#: ReaderSettings' fields, the values they read, and whether each is a flag.
_SETTING_FIELDS = (
    ("max_message_size", _keys.OPT_MAX_MESSAGE_SIZE, False),
    ("read_timeout_ms", _keys.OPT_READ_TIMEOUT, False),
    ("queue_limit", _keys.OPT_QUEUE_LIMIT, False),
    ("allow_any_user", _keys.OPT_ALLOW_ANY_USER, True),
    ("network", _keys.OPT_NETWORK, True),
    ("port", _keys.OPT_PORT, False),
    ("keys", _keys.OPT_KEYS, False),
    ("suite", _keys.OPT_SUITE, False),
    ("replay_window", _keys.OPT_REPLAY_WINDOW, False),
    ("time_window_ms", _keys.OPT_TIME_WINDOW, False),
    ("auth_migration", _keys.OPT_AUTH_MIGRATION, True),
    ("auth_log", _keys.OPT_AUTH_LOG, True),
)
