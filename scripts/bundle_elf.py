#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Makes ELF shared libraries in one directory self-contained, as auditwheel
does for a wheel: the Python wheel's libmailslot (bindings/python/build_wheel.py)
and the NuGet package's runtimes/linux-x64/native (scripts/package-nuget).

    python3 scripts/bundle_elf.py DIR LIBRARY...

Each LIBRARY is a file in DIR (copied there from a build tree, its build
RUNPATH still in place, so that ldd resolves what it needs as the build did).
Every library they need, directly or not, that a manylinux system does not
promise (bindings/python/manylinux.py: ALLOWED) and that is not one of the
LIBRARYs themselves (by SONAME) is copied from this system into DIR, renamed
with a hash of its contents (libsodium-1a2b3c4d.so.23, its SONAME too, and
the NEEDED entries that named it to match: the loader reuses an already
loaded library of the same SONAME, so another copy of libsodium.so.23 can
never stand in for the bundled one), with the copyright file of the Debian
package it came from beside it (NAME.copyright). A library that needs a
bundled one gets the RUNPATH $ORIGIN (patchelf; a RUNPATH, not an RPATH, so
LD_LIBRARY_PATH still wins), any other none. The result must pass
manylinux.audit, else this is an error. Prints the files, one a line, then
the highest GLIBC_2.X any of them needs as "glibc 2.X".
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from typing import Dict, List, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python"))
import manylinux  # noqa: E402 (bindings/python/manylinux.py: the policy)


def fail(message: str) -> None:
    sys.exit("bundle_elf: " + message)


def patchelf(*args: str) -> None:
    try:
        subprocess.run(["patchelf", *args], check=True)
    except FileNotFoundError:
        fail("patchelf not found (apt-get install patchelf)")


def hashed_name(soname: str, path: str) -> str:
    """libsodium.so.23 -> libsodium-<8 hex digits of its SHA-256>.so.23"""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:8]
    stem, dot, rest = soname.partition(".so")
    return "%s-%s%s%s" % (stem, digest, dot, rest)


def system_dependencies(library: str) -> Dict[str, str]:
    """SONAME -> path of every library that library needs, directly or not,
    outside manylinux.ALLOWED, as this system's loader resolves them."""
    out = subprocess.run(["ldd", library], check=True, stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, LC_ALL="C")).stdout
    deps = {}
    for soname, path in re.findall(r"^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$", out, re.M):
        if soname in manylinux.ALLOWED:
            continue
        if path == "not found":
            fail("%s needs %s, which the loader does not find" % (library, soname))
        deps[soname] = path
    return deps


def copy_notice(library: str, dest: str) -> None:
    """The copyright file of the Debian package that owns library (libsodium's
    ISC license asks that copies carry its notice)."""
    try:
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(library)], check=True, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    except (OSError, subprocess.CalledProcessError):
        owner = ""
    notice = "/usr/share/doc/%s/copyright" % owner.split(":")[0] if owner else ""
    if not os.path.isfile(notice):
        fail("no copyright file found for %s (not from a Debian package?)" % library)
    shutil.copyfile(notice, dest)


def bundle(directory: str, libraries: List[str]) -> Tuple[List[str], Tuple[int, ...]]:
    """Bundles what the libraries (files in directory) need beside them (see
    the module docstring); returns every library file of the bundle and the
    highest GLIBC_ version they need."""
    mains = [os.path.join(directory, os.path.basename(lib)) for lib in libraries]
    own = set()
    for lib in mains:
        if not os.path.isfile(lib):
            fail("%s is not a file in %s" % (os.path.basename(lib), directory))
        own.update(manylinux.dynamic(lib)["SONAME"] or [os.path.basename(lib)])
    renamed: Dict[str, str] = {}
    for lib in mains:
        for soname, path in system_dependencies(lib).items():
            if soname in own or soname in renamed:
                continue
            copy = hashed_name(soname, path)
            shutil.copyfile(path, os.path.join(directory, copy))
            copy_notice(path, os.path.join(directory, copy + ".copyright"))
            renamed[soname] = copy
    files = mains + [os.path.join(directory, c) for c in renamed.values()]
    for f in files:
        if f not in mains:
            patchelf("--set-soname", os.path.basename(f), f)
        needed = manylinux.dynamic(f)["NEEDED"]
        # One change a call: Debian 12's patchelf 0.14 mixes up the strings of
        # --replace-needed and --set-rpath given together.
        for old in needed:
            if old in renamed:
                patchelf("--replace-needed", old, renamed[old], f)
        if any(n in renamed or n in own for n in needed):
            patchelf("--set-rpath", "$ORIGIN", f)
        else:
            patchelf("--remove-rpath", f)
    errors, highest = manylinux.audit(files)
    if errors:
        fail("the bundle is not self-contained:\n  " + "\n  ".join(errors))
    return files, highest


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: bundle_elf.py DIR LIBRARY...", file=sys.stderr)
        return 2
    files, highest = bundle(sys.argv[1], sys.argv[2:])
    for f in files:
        print(f)
    print("glibc %s" % ".".join(str(p) for p in highest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
