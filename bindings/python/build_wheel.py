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
Old ``mailslot-*.whl`` files in --out are removed first. Prints the wheel's
path. The CMake target ``python_wheel`` runs this.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


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
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "libmailslot.so*", "*.dll", "*.dylib"),
    )
    # The real file, not a symlink (the build tree's libmailslot.so is one).
    shutil.copyfile(os.path.realpath(library), os.path.join(dest, "src", "mailslot", bundled_name()))


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
