# SPDX-License-Identifier: MIT
"""The C library's log messages, in Python's ``logging``.

On import the package sets the library's log handler
(``mailslot_set_log_handler``, library 1.1 and later), through whichever
backend is in use, to :func:`emit`: each message of the library (a keyed
reader's dropped network messages, a key file read again or refused) becomes
a record of the logger ``"mailslot"`` at the matching level. With no logging
configured, Python's last-resort handler prints WARNING and above on stderr,
as the library itself did; to silence or redirect them::

    logging.getLogger("mailslot").setLevel(logging.ERROR)      # fewer
    logging.getLogger("mailslot").propagate = False             # none (with no handler of its own)
    logging.getLogger("mailslot").addHandler(my_handler)        # elsewhere

Records may come from a thread of the library's (its I/O thread) as well as
from the thread inside a call (``get()``, ...): ``logging`` is thread-safe.
The message text is the library's, without its ``"mailslot: "`` prefix.
"""

from __future__ import annotations

import logging

from ._constants import LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_WARNING

logger = logging.getLogger("mailslot")

#: The library's levels (abi/constants.txt) and Python's.
LEVELS = {
    LOG_ERROR: logging.ERROR,
    LOG_WARNING: logging.WARNING,
    LOG_INFO: logging.INFO,
    LOG_DEBUG: logging.DEBUG,
}


def python_level(level: int) -> int:
    """Python's level for a library level; an unknown one (a later release's)
    by its neighbours: below ERROR is ERROR, beyond DEBUG is DEBUG."""
    if level in LEVELS:
        return LEVELS[level]
    return logging.ERROR if level < LOG_ERROR else logging.DEBUG


def emit(level: int, message: str) -> None:
    """One message of the library, as a record of the logger "mailslot"."""
    logger.log(python_level(level), "%s", message)
