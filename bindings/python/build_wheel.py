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
The bundling is scripts/bundle_elf.py's, which the NuGet package's
runtimes/linux-x64/native shares (scripts/package-nuget).
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
import sysconfig
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import bundle_elf  # noqa: E402 (scripts/bundle_elf.py, shared with scripts/package-nuget)


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


def bundle_linux(package: str) -> str:
    """Bundles what the staged libmailslot needs beside it (see the module
    docstring; scripts/bundle_elf.py does it); returns the wheel's platform tag."""
    _, highest = bundle_elf.bundle(package, [bundled_name()])
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
            tag = bundle_linux(os.path.join(src, "src", "mailslot"))
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
