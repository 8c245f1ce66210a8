#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds a wheel of the mailslot package that bundles the C library, so that
installing the wheel alone is enough.

    python3 build_wheel.py --library build/default/libmailslot.so --out dist/

The package sources are staged in a temporary directory (the source tree is
left untouched), the library is copied into the staged package as
``libmailslot.so`` (``mailslot.dll``, ``libmailslot.dylib``), and pip builds
the wheel offline (``--no-build-isolation --no-index``: setuptools and wheel
come from the system, e.g. Debian's python3-setuptools and python3-wheel).

On Linux the wheel is made to install alone, as auditwheel would (see
manylinux.py): every library libmailslot needs that a manylinux system does
not promise (libsodium) is copied from this system into the package beside
it, renamed with a hash of its contents (libsodium-1a2b3c4d.so.23, its
SONAME too, and libmailslot's NEEDED entry to match: the loader reuses an
already loaded library of the same SONAME, so another package's or the
system's libsodium.so.23 can never stand in for the bundled one), and
libmailslot's RUNPATH is set to $ORIGIN (patchelf) so the loader finds it
there. The wheel is tagged manylinux_2_X_<arch>, X the highest GLIBC_2.X
symbol version any bundled library needs (readelf), after the bundle passed
manylinux.audit; a bundle that does not pass is an error, not a wheel.
Old ``mailslot-*.whl`` files in --out are removed first. Prints the wheel's
path. The CMake target ``python_wheel`` runs this.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import manylinux  # noqa: E402 (beside this script)


def bundled_name() -> str:
    if sys.platform == "win32":
        return "mailslot.dll"
    if sys.platform == "darwin":
        return "libmailslot.dylib"
    return "libmailslot.so"


def stage(dest: str, library: str) -> None:
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        # LICENSE is a link to the project's; the copy is the file itself.
        shutil.copyfile(os.path.realpath(os.path.join(HERE, name)), os.path.join(dest, name))
    shutil.copytree(
        os.path.join(HERE, "src"),
        os.path.join(dest, "src"),
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "lib*.so*", "*.dll", "*.dylib"),
    )
    # The real file, not a symlink (the build tree's libmailslot.so is one).
    shutil.copyfile(os.path.realpath(library), os.path.join(dest, "src", "mailslot", bundled_name()))


def patchelf(*args: str) -> None:
    try:
        subprocess.run(["patchelf", *args], check=True)
    except FileNotFoundError:
        sys.exit("build_wheel: patchelf not found (apt-get install patchelf)")


def hashed_name(soname: str, path: str) -> str:
    """libsodium.so.23 -> libsodium-<8 hex digits of its SHA-256>.so.23"""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:8]
    stem, dot, rest = soname.partition(".so")
    return "%s-%s%s%s" % (stem, digest, dot, rest)


def system_dependencies(library: str) -> dict:
    """SONAME -> path of every library that library needs, directly or not,
    outside manylinux.ALLOWED, as this system's loader resolves them."""
    out = subprocess.run(["ldd", library], check=True, stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, LC_ALL="C")).stdout
    deps = {}
    for soname, path in re.findall(r"^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$", out, re.M):
        if soname in manylinux.ALLOWED:
            continue
        if path == "not found":
            sys.exit("build_wheel: %s needs %s, which the loader does not find" % (library, soname))
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
        sys.exit("build_wheel: no copyright file found for %s (not from a Debian package?)" % library)
    shutil.copyfile(notice, dest)


def bundle_linux(package: str, library: str) -> str:
    """Bundles what the staged libmailslot needs beside it (see the module
    docstring); returns the wheel's platform tag."""
    main = os.path.join(package, bundled_name())
    renamed = {}
    for soname, path in system_dependencies(library).items():
        copy = hashed_name(soname, path)
        shutil.copyfile(path, os.path.join(package, copy))
        copy_notice(path, os.path.join(package, copy + ".copyright"))
        renamed[soname] = copy
    files = [main] + [os.path.join(package, c) for c in renamed.values()]
    for f in files:
        if f != main:
            patchelf("--set-soname", os.path.basename(f), f)
        needed = [n for n in manylinux.dynamic(f)["NEEDED"] if n in renamed]
        # One change a call: Debian 12's patchelf 0.14 mixes up the strings of
        # --replace-needed and --set-rpath given together.
        for old in needed:
            patchelf("--replace-needed", old, renamed[old], f)
        if needed:
            # RUNPATH, not RPATH (patchelf's default): LD_LIBRARY_PATH still wins.
            patchelf("--set-rpath", "$ORIGIN", f)
        else:
            patchelf("--remove-rpath", f)
    errors, highest = manylinux.audit(files)
    if errors:
        sys.exit("build_wheel: the bundle is not manylinux:\n  " + "\n  ".join(errors))
    arch = sysconfig.get_platform().split("-", 1)[1]  # linux-x86_64
    return "manylinux_%d_%d_%s" % (highest[0], highest[1], arch)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--library", required=True, help="the libmailslot shared library to bundle")
    ap.add_argument("--out", required=True, help="directory for the wheel")
    args = ap.parse_args()
    if not os.path.isfile(args.library):
        ap.error("no library at %s" % args.library)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "mailslot-*.whl")):
        os.remove(old)
    with tempfile.TemporaryDirectory(prefix="mailslot-wheel-") as tmp:
        src = os.path.join(tmp, "mailslot")
        os.makedirs(src)
        stage(src, args.library)
        if sys.platform.startswith("linux"):
            tag = bundle_linux(os.path.join(src, "src", "mailslot"), args.library)
            # setup.py's PlatformWheel keeps bdist_wheel's platform, which this sets.
            with open(os.path.join(src, "setup.cfg"), "w") as f:
                f.write("[bdist_wheel]\nplat_name = %s\n" % tag)
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-index", "--no-deps",
               "--disable-pip-version-check", "-q", "-w", out, src]
        env = dict(os.environ, PIP_NO_INPUT="1")
        r = subprocess.run(cmd, env=env)
        if r.returncode != 0:
            print("build_wheel: pip wheel failed (%d)" % r.returncode, file=sys.stderr)
            return 1
    wheels = glob.glob(os.path.join(out, "mailslot-*.whl"))
    if len(wheels) != 1:
        print("build_wheel: expected one wheel in %s, found %s" % (out, wheels), file=sys.stderr)
        return 1
    print(wheels[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
