# SPDX-License-Identifier: MIT
"""The manylinux policy (PEP 600) as far as the wheel's shared libraries are
concerned, read with binutils' readelf (no auditwheel: Debian 12 has no package
of it and there is no package index here). Used by build_wheel.py to choose
what to bundle and which tag the wheel may claim, and by
tests/install_check.py to audit the wheel that was built.

A manylinux_2_X_<arch> wheel's libraries may need only

* libraries from ALLOWED (the manylinux_2_X list of auditwheel's policy,
  plus glibc's program interpreter, which every glibc process has mapped
  already), and libraries bundled in the wheel itself;
* symbol versions GLIBC_2.Y with Y <= X (glibc is backward compatible, so a
  system with glibc 2.X has them all), those of the bundled libraries
  (MAILSLOT_1.0 of a bundled libmailslot.so.1), and no other versioned symbols (the
  GCC_/GLIBCXX_/CXXABI_ limits of the policy are not modelled: a need of one
  is reported as a violation instead).
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Dict, List, Optional, Tuple

#: NEEDED entries a manylinux wheel may leave to the system.
ALLOWED = frozenset([
    # glibc
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0",
    "libresolv.so.2", "libutil.so.1", "libnsl.so.1", "libanl.so.1",
    "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux.so.2",
    # GCC's runtime, zlib, expat, X11/GL/GLib: on every manylinux system
    "libgcc_s.so.1", "libstdc++.so.6", "libatomic.so.1", "libz.so.1", "libexpat.so.1",
    "libX11.so.6", "libXext.so.6", "libXrender.so.1", "libICE.so.6", "libSM.so.6",
    "libGL.so.1", "libgobject-2.0.so.0", "libgthread-2.0.so.0", "libglib-2.0.so.0",
])


def _readelf(*args: str) -> str:
    return subprocess.run(["readelf", "--wide", *args], check=True, stdout=subprocess.PIPE,
                          text=True, env=dict(os.environ, LC_ALL="C")).stdout


def dynamic(path: str) -> Dict[str, List[str]]:
    """The dynamic section's NEEDED, SONAME, RUNPATH and RPATH values."""
    out: Dict[str, List[str]] = {"NEEDED": [], "SONAME": [], "RUNPATH": [], "RPATH": []}
    for tag, value in re.findall(r"\((NEEDED|SONAME|RUNPATH|RPATH)\)\s+[^\[]*\[([^\]]*)\]", _readelf("-d", path)):
        out[tag].append(value)
    return out


def version_needs(path: str) -> List[Tuple[str, str]]:
    """(library, version name) for every entry of .gnu.version_r, e.g.
    ("libc.so.6", "GLIBC_2.34")."""
    needs = []
    current = ""
    for line in _readelf("-V", path).splitlines():
        m = re.search(r"File: (\S+)", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"Name: (\S+)\s+Flags", line)
        if m and current:
            needs.append((current, m.group(1)))
    return needs


def glibc_version(name: str) -> Optional[Tuple[int, ...]]:
    """(2, 34) for "GLIBC_2.34", None for anything else (GLIBC_PRIVATE too)."""
    m = re.fullmatch(r"GLIBC_(\d+(?:\.\d+)*)", name)
    return tuple(int(p) for p in m.group(1).split(".")) if m else None


def audit(paths: List[str]) -> Tuple[List[str], Tuple[int, ...]]:
    """Checks the libraries that a wheel bundles (all of them, so that a
    NEEDED satisfied by a bundled SONAME is allowed). Returns the
    violations (empty when the set is manylinux-clean) and the highest
    GLIBC_ version any of them needs."""
    bundled = {}
    for p in paths:
        sonames = dynamic(p)["SONAME"]
        bundled[sonames[0] if sonames else os.path.basename(p)] = p
    errors = []
    highest: Tuple[int, ...] = (2, 0)
    for p in paths:
        name = os.path.basename(p)
        d = dynamic(p)
        for needed in d["NEEDED"]:
            if needed not in ALLOWED and needed not in bundled:
                errors.append("%s needs %s, which is neither allowed by manylinux nor bundled" % (name, needed))
        if any(n in bundled for n in d["NEEDED"]) and d["RUNPATH"] != ["$ORIGIN"]:
            errors.append("%s needs a bundled library but its RUNPATH is %s, not $ORIGIN" % (name, d["RUNPATH"]))
        if d["RPATH"]:
            errors.append("%s has an RPATH %s (it would outrank LD_LIBRARY_PATH)" % (name, d["RPATH"]))
        for lib, version in version_needs(p):
            if lib in bundled:
                continue  # a bundled library's own versions (MAILSLOT_1.0): it comes along
            v = glibc_version(version)
            if v is None:
                errors.append("%s needs %s from %s: only GLIBC_ versions are checked" % (name, version, lib))
            else:
                highest = max(highest, v)
    return errors, highest


def glibc_of_tag(platform: str) -> Optional[Tuple[int, int]]:
    """(2, 34) for "manylinux_2_34_x86_64", None for another platform tag."""
    m = re.fullmatch(r"manylinux_(\d+)_(\d+)_\w+", platform)
    return (int(m.group(1)), int(m.group(2))) if m else None
