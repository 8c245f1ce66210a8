# SPDX-License-Identifier: MIT
"""Finding and loading libmailslot, and checking that its major version fits.

Search order:

1. the path in the environment variable ``MAILSLOT_LIBRARY``, if set (and
   nothing else: a wrong path is an error, not a reason to look elsewhere);
2. a copy shipped inside this package (a wheel built by the ``python_wheel``
   CMake target bundles one, on Linux with what it needs beside it, e.g.
   ``libsodium-<hash>.so.23``, which its RUNPATH ``$ORIGIN`` finds): before
   the system's, so an installed wheel uses its own library and never a
   system libmailslot of another version;
3. the system's, by the dynamic loader's search (``LD_LIBRARY_PATH``, the
   ``ldconfig`` cache, its default directories): ``libmailslot.so.<major>``
   first, then ``libmailslot.so.1``, ``libmailslot.so.0``, ``libmailslot.so``
   (Linux), ``mailslot.dll`` (Windows), ``libmailslot.<major>.dylib`` /
   ``libmailslot.dylib`` (macOS), then what
   ``ctypes.util.find_library("mailslot")`` finds;
4. ``libmailslot.so.<major>`` by path in the directories where an install
   puts it (``system_directories``): ``/usr/local/lib``, then the multiarch
   directories (``/usr/local/lib/<triplet>``, ``/usr/lib/<triplet>``). This
   finds a library installed with ``cmake --install`` before ``ldconfig`` has
   made it known to the loader.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import sysconfig
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


def _loader_names() -> List[str]:
    """The library's file names on this platform, best first."""
    if sys.platform == "win32":
        return ["mailslot.dll"]
    if sys.platform == "darwin":
        return ["libmailslot.%d.dylib" % _ABI_MAJOR, "libmailslot.dylib"]
    return ["libmailslot.so.%d" % _ABI_MAJOR, "libmailslot.so.1", "libmailslot.so.0", "libmailslot.so"]


def system_names() -> List[str]:
    """Names handed to the dynamic loader, best first."""
    names = _loader_names()
    found = ctypes.util.find_library("mailslot")
    if found:
        names.append(found)
    unique: List[str] = []
    for n in names:
        if n not in unique:
            unique.append(n)
    return unique


def system_directories() -> List[str]:
    """Directories searched by path after the loader, in /etc/ld.so.conf's
    order on Debian (/usr/local first), so that the library found is the one
    the loader finds once ``ldconfig`` has run."""
    if sys.platform == "win32":
        return []
    dirs = ["/usr/local/lib"]
    multiarch = sysconfig.get_config_var("MULTIARCH")  # e.g. x86_64-linux-gnu
    if multiarch:
        dirs += ["/usr/local/lib/" + multiarch, "/usr/lib/" + multiarch]
    return dirs


def _open(path: str) -> ctypes.CDLL:
    # cdecl everywhere (MAILSLOT_CALL), so CDLL on every platform.
    return ctypes.CDLL(path)


def _open_file(path: str, tried: List[str]) -> Optional[ctypes.CDLL]:
    """The library at path, or None (and why, appended to tried)."""
    if not os.path.exists(path):
        tried.append("%s (absent)" % path)
        return None
    try:
        return _open(path)
    except OSError as e:
        tried.append("%s (%s)" % (path, e))
        return None


def find(
    env: Optional[str] = None,
    package_dir: Optional[str] = None,
    system: Optional[Sequence[str]] = None,
    directories: Optional[Sequence[str]] = None,
) -> Tuple[ctypes.CDLL, str]:
    """Loads the library by the search order above; returns it and its path.

    The arguments replace the environment variable, the package directory,
    the list of system names and the system directories (for tests). Raises
    ImportError naming every place it looked.
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
    for path in [os.path.join(pkg, name) for name in bundled_names()]:
        lib = _open_file(path, tried)
        if lib is not None:
            return lib, path
    for name in system_names() if system is None else system:
        try:
            return _open(name), name
        except OSError:
            tried.append(name)
    file_name = _loader_names()[0]
    for directory in system_directories() if directories is None else directories:
        path = os.path.join(directory, file_name)
        lib = _open_file(path, tried)
        if lib is not None:
            return lib, path
    raise ImportError(
        "mailslot: cannot find the mailslot C library (libmailslot); looked for: %s. "
        "Install libmailslot (and run ldconfig), or set %s to its path." % (", ".join(tried), ENV_LIBRARY)
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
