# SPDX-License-Identifier: MIT
"""Finding and loading libmailslot, and checking that its major version fits.

Search order:

1. the path in the environment variable ``MAILSLOT_LIBRARY``, if set (and
   nothing else: a wrong path is an error, not a reason to look elsewhere);
2. a copy shipped inside this package (a wheel built by the ``python_wheel``
   CMake target bundles one);
3. the system's: ``libmailslot.so.<major>`` first, then ``libmailslot.so.1``,
   ``libmailslot.so.0``, ``libmailslot.so`` (Linux), ``mailslot.dll``
   (Windows), ``libmailslot.<major>.dylib`` / ``libmailslot.dylib`` (macOS),
   and what ``ctypes.util.find_library("mailslot")`` finds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from typing import List, Optional, Sequence, Tuple

#: The library major version this package speaks: 1 since the 1.0.0 ABI
#: freeze (libmailslot.so.1); a library of any other major is refused.
_ABI_MAJOR = 1

ENV_LIBRARY = "MAILSLOT_LIBRARY"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def bundled_names() -> List[str]:
    """File names a bundled copy may have inside the package directory."""
    if sys.platform == "win32":
        return ["mailslot.dll"]
    if sys.platform == "darwin":
        return ["libmailslot.dylib"]
    return ["libmailslot.so"]


def system_names() -> List[str]:
    """Names handed to the dynamic loader, best first."""
    if sys.platform == "win32":
        names = ["mailslot.dll"]
    elif sys.platform == "darwin":
        names = ["libmailslot.%d.dylib" % _ABI_MAJOR, "libmailslot.dylib"]
    else:
        names = ["libmailslot.so.%d" % _ABI_MAJOR, "libmailslot.so.1", "libmailslot.so.0", "libmailslot.so"]
    found = ctypes.util.find_library("mailslot")
    if found:
        names.append(found)
    unique: List[str] = []
    for n in names:
        if n not in unique:
            unique.append(n)
    return unique


def _open(path: str) -> ctypes.CDLL:
    # cdecl everywhere (MAILSLOT_CALL), so CDLL on every platform.
    return ctypes.CDLL(path)


def find(
    env: Optional[str] = None,
    package_dir: Optional[str] = None,
    system: Optional[Sequence[str]] = None,
) -> Tuple[ctypes.CDLL, str]:
    """Loads the library by the search order above; returns it and its path.

    The arguments replace the environment variable, the package directory and
    the list of system names (for tests). Raises ImportError naming every
    place it looked.
    """
    if env is None:
        env = os.environ.get(ENV_LIBRARY, "")
    if env:
        try:
            return _open(env), env
        except OSError as e:
            raise ImportError(
                "mailslot: cannot load the library named by %s=%s: %s" % (ENV_LIBRARY, env, e)
            ) from None
    tried: List[str] = []
    pkg = _PACKAGE_DIR if package_dir is None else package_dir
    for name in bundled_names():
        path = os.path.join(pkg, name)
        if os.path.exists(path):
            try:
                return _open(path), path
            except OSError as e:
                tried.append("%s (%s)" % (path, e))
        else:
            tried.append("%s (absent)" % path)
    for name in system_names() if system is None else system:
        try:
            return _open(name), name
        except OSError:
            tried.append(name)
    raise ImportError(
        "mailslot: cannot find the mailslot C library (libmailslot); looked for: %s. "
        "Install libmailslot, or set %s to its path." % (", ".join(tried), ENV_LIBRARY)
    )


def check_version(lib: ctypes.CDLL, path: str) -> Tuple[int, str]:
    """Refuses a library whose major version is not _ABI_MAJOR (ImportError
    naming both versions); returns its version number and text."""
    try:
        version_fn = lib.mailslot_version
        text_fn = lib.mailslot_version_string
    except AttributeError:
        raise ImportError("mailslot: %s is not libmailslot (it has no mailslot_version)" % path) from None
    version_fn.argtypes = []
    version_fn.restype = ctypes.c_int
    text_fn.argtypes = []
    text_fn.restype = ctypes.c_char_p
    number = int(version_fn())
    raw = text_fn()
    text = raw.decode("utf-8", "replace") if raw else "%d.%d.%d" % (number // 10000, number // 100 % 100, number % 100)
    check_major(number, text, path)
    return number, text


def check_major(number: int, text: str, where: str) -> None:
    """ImportError naming both versions unless number's major is _ABI_MAJOR."""
    major = number // 10000
    if major != _ABI_MAJOR:
        raise ImportError(
            "mailslot: the C library %s is version %s (major %d), but this Python package "
            "supports major version %d (%d.x) only" % (where, text, major, _ABI_MAJOR, _ABI_MAJOR)
        )
