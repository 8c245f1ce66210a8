# SPDX-License-Identifier: MIT
# Generated from abi/constants.txt by cmake/constants.cmake: do not edit.
# `cmake --build <dir> --target constants` writes it again; the test
# abi_generated fails while it differs from the table.
"""Every constant of abi/mailslot.h, named without its MAILSLOT_ prefix.
Their numbers are ABI."""

WAIT_FOREVER = -1
USE_DEFAULT = -2
NO_MESSAGE = 4294967295
MAX_LOCAL_MESSAGE = 65536
MAX_NETWORK_MESSAGE = 1024
OK = 0
E_INVALID = -1
E_NAME = -2
E_EXISTS = -3
E_NOT_FOUND = -4
E_TIMEOUT = -5
E_TOO_BIG = -6
E_BUFFER = -7
E_FULL = -8
E_INTERRUPTED = -9
E_CLOSED = -10
E_NOMEM = -11
E_ACCESS = -12
E_NETWORK = -13
E_SYSTEM = -14
OPT_MAX_MESSAGE_SIZE = 1
OPT_READ_TIMEOUT = 2
OPT_QUEUE_LIMIT = 3
OPT_ALLOW_ANY_USER = 4
OPT_NETWORK = 5
OPT_PORT = 6
OPT_TTL = 7
OPT_DOMAIN = 8
OPT_INTERFACE = 9
OPT_KEYS = 10
OPT_KEY_FILE = 11
OPT_SUITE = 12
OPT_REPLAY_WINDOW = 13
OPT_TIME_WINDOW = 14
OPT_AUTH_MIGRATION = 15
OPT_AUTH_LOG = 16
OPT_LEGACY = 17
OPT_NETBIOS_NAME = 18
STAT_NET_RECEIVED = 101
STAT_NET_MALFORMED = 102
STAT_NET_UNKNOWN_VERSION = 103
STAT_NET_MISADDRESSED = 104
STAT_NET_DUPLICATE = 105
STAT_NET_OVER_LIMIT = 106
STAT_AUTH_NONE = 107
STAT_AUTH_UNKNOWN_KEY = 108
STAT_AUTH_BAD_TAG = 109
STAT_AUTH_REPLAY = 110
STAT_AUTH_STALE = 111
STAT_AUTH_FUTURE = 112
STAT_AUTH_TABLE_FULL = 113
STAT_AUTH_VERIFIED = 114
STAT_AUTH_UNVERIFIED = 115
STAT_LOCAL_CORRUPT_RING = 116
STAT_LEGACY_RECEIVED = 117
INFO_MESSAGE_COUNT = 201
LOG_ERROR = 1
LOG_WARNING = 2
LOG_INFO = 3
LOG_DEBUG = 4

#: The counters (MAILSLOT_STAT_*) in key order: (name, key), the name as
#: `mailslot stats` prints it.
COUNTERS = (
    ("net_received", STAT_NET_RECEIVED),
    ("net_malformed", STAT_NET_MALFORMED),
    ("net_unknown_version", STAT_NET_UNKNOWN_VERSION),
    ("net_misaddressed", STAT_NET_MISADDRESSED),
    ("net_duplicate", STAT_NET_DUPLICATE),
    ("net_over_limit", STAT_NET_OVER_LIMIT),
    ("auth_none", STAT_AUTH_NONE),
    ("auth_unknown_key", STAT_AUTH_UNKNOWN_KEY),
    ("auth_bad_tag", STAT_AUTH_BAD_TAG),
    ("auth_replay", STAT_AUTH_REPLAY),
    ("auth_stale", STAT_AUTH_STALE),
    ("auth_future", STAT_AUTH_FUTURE),
    ("auth_table_full", STAT_AUTH_TABLE_FULL),
    ("auth_verified", STAT_AUTH_VERIFIED),
    ("auth_unverified", STAT_AUTH_UNVERIFIED),
    ("local_corrupt_ring", STAT_LOCAL_CORRUPT_RING),
    ("legacy_received", STAT_LEGACY_RECEIVED),
)

#: The counters of dropped messages, by name.
DROPPED = (
    "net_malformed",
    "net_unknown_version",
    "net_misaddressed",
    "net_duplicate",
    "net_over_limit",
    "auth_none",
    "auth_unknown_key",
    "auth_bad_tag",
    "auth_replay",
    "auth_stale",
    "auth_future",
    "auth_table_full",
    "local_corrupt_ring",
)

#: A reader's settings (Mailslot.settings()) in key order: (field, key, flag).
SETTINGS = (
    ("max_message_size", OPT_MAX_MESSAGE_SIZE, False),
    ("read_timeout_ms", OPT_READ_TIMEOUT, False),
    ("queue_limit", OPT_QUEUE_LIMIT, False),
    ("allow_any_user", OPT_ALLOW_ANY_USER, True),
    ("network", OPT_NETWORK, True),
    ("port", OPT_PORT, False),
    ("keys", OPT_KEYS, False),
    ("suite", OPT_SUITE, False),
    ("replay_window", OPT_REPLAY_WINDOW, False),
    ("time_window_ms", OPT_TIME_WINDOW, False),
    ("auth_migration", OPT_AUTH_MIGRATION, True),
    ("auth_log", OPT_AUTH_LOG, True),
    ("legacy", OPT_LEGACY, True),
)

#: The values mailslot_query answers besides the counters, in key order:
#: (name, key), the name as `mailslot stats` prints it.
QUERY_VALUES = (
    ("max_message_size", OPT_MAX_MESSAGE_SIZE),
    ("queue_limit", OPT_QUEUE_LIMIT),
    ("allow_any_user", OPT_ALLOW_ANY_USER),
    ("network", OPT_NETWORK),
    ("keys", OPT_KEYS),
    ("messages_waiting", INFO_MESSAGE_COUNT),
)
