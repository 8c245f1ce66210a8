#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Installation checks, run by CTest (not by pytest).

    install_check.py wheel  --dist DIR
        A fresh virtual environment (no system site packages), the one wheel in
        DIR installed offline, and nothing else: no MAILSLOT_LIBRARY, no
        PYTHONPATH. `import mailslot` must load the bundled library and a
        message must go through, plain and sealed with keys (suite 1, so
        libsodium does the work). On Linux also: the wheel's tag is
        manylinux_2_X and its libraries pass manylinux.audit with no GLIBC_
        need above 2.X; every library bundled is the one mapped into the
        process (/proc/self/maps), even with the system's libsodium there;
        and the check runs again where the loader cannot find the system's
        libsodium or libmailslot at all (without_system_libraries.sh), which
        exits 77 (skip) when that cannot be arranged and it may skip.

    install_check.py source --source DIR --library LIB
        `pip install --no-build-isolation --no-index DIR` into a venv made with
        --system-site-packages (Debian: setuptools from python3-setuptools), from
        a copy of DIR so the source tree stays clean; then the same check with
        MAILSLOT_LIBRARY=LIB.

Prints what it does; exits 0 on success.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import manylinux  # noqa: E402 (bindings/python/manylinux.py)

#: install_check's exit status when part of a check could not run (CTest SKIP_RETURN_CODE).
SKIPPED = 77

CHECK = r"""
import ctypes, os, re, sys
# site, "bundled" or "system", "hidden" or "visible", then the SONAMEs that
# the wheel's libraries need outside the manylinux list, as the system names
# them (libmailslot.so.1, libsodium.so.23: see sonames_to_bundle).
site, mode, hidden, sonames = sys.argv[1], sys.argv[2], sys.argv[3] == "hidden", sys.argv[4:]
package = os.path.realpath(os.path.join(site, "mailslot"))
if hidden:
    # Before anything is loaded: the system's copies are out of the loader's reach.
    for soname in sonames:
        try:
            ctypes.CDLL(soname)
        except OSError as e:
            print("hidden:", e)
        else:
            raise AssertionError("the loader still finds the system's " + soname)
os.environ["MAILSLOT_NETWORK"] = "0"  # the keyed round trip below stays on this host
import mailslot
from importlib import metadata
meta = metadata.metadata("mailslot")
assert meta["License"] == "MIT", meta["License"]
assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier"), meta.get_all("Classifier")
assert any(f.name == "LICENSE" for f in metadata.files("mailslot")), "no LICENSE in the installed metadata"
print("mailslot", mailslot.__version__, "from", mailslot.__file__)
print("library", mailslot.library_path, mailslot.library_version())
assert os.path.realpath(mailslot.__file__).startswith(os.path.realpath(site)), mailslot.__file__
assert os.path.exists(os.path.join(os.path.dirname(mailslot.__file__), "py.typed"))
if mode == "bundled":
    assert os.path.realpath(mailslot.library_path).startswith(os.path.realpath(site)), mailslot.library_path
name = "install_check_%d" % os.getpid()
with mailslot.mailslot(name) as reader:
    reader.qsize()
    with mailslot.mailslot(name) as writer:
        writer.put("installed ok")
    message = reader.get(timeout_ms=30000)
assert message == "installed ok", message
print(message)
# Sealed and verified by libsodium: a reader with keys, a writer to
# \\*\mailslot\<name> (this host's copy goes as a network packet).
# A library built without libsodium (a configuration that lacked it) has no
# keys and bundles none: then this part is left out, saying so; a wheel that
# bundles libsodium must use it.
key = "key " + "".join("%02x" % i for i in range(32)) + "\n"
reader = mailslot.Mailslot(name + "_keyed", keys=key, auth_log=False)
try:
    reader.qsize()
except mailslot.InvalidArgument as e:
    if "libsodium" not in (e.detail or "") or any(n.startswith("libsodium.") for n in sonames):
        raise
    print("no keyed round trip:", e.detail)
else:
    with mailslot.Mailslot("\\\\*\\mailslot\\" + name + "_keyed", keys=key, suite=1, network=False) as writer:
        writer.put("sealed ok")
    message = reader.get(timeout_ms=30000)
    verified = reader.stats().auth_verified
    assert (message, verified) == ("sealed ok", 1), (message, verified)
    print(message, "(suite 1, verified)")
finally:
    reader.close()
# Each of them is mapped once, from the package (libsodium-1a2b3c4d.so.23).
mapped = set()
if sonames:
    mapped = {line.split(None, 5)[5].strip() for line in open("/proc/self/maps") if len(line.split(None, 5)) == 6}
for soname in sonames:
    stem = soname.split(".so")[0]
    copies = [m for m in mapped if re.fullmatch(re.escape(stem) + r"(-[0-9a-f]{8})?\.so.*", os.path.basename(m))]
    assert len(copies) == 1 and os.path.dirname(copies[0]) == package, \
        "%s: mapped %s, not one copy from %s" % (soname, copies, package)
    print("mapped:", copies[0])
"""


def shown(cmd) -> str:
    return " ".join("<check script>" if "\n" in c else c for c in cmd)


def run(cmd, **kw):
    print("+", shown(cmd), flush=True)
    rc = subprocess.run(cmd, **kw).returncode
    if rc != 0:
        sys.exit("install_check: failed (%d): %s" % (rc, shown(cmd)))


def venv_python(venv: str) -> str:
    if os.name == "nt":
        return os.path.join(venv, "Scripts", "python.exe")
    return os.path.join(venv, "bin", "python")


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAILSLOT_LIBRARY", "PYTHONPATH", "PYTHONHOME", "PIP_INDEX_URL", "VIRTUAL_ENV")}
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if extra:
        env.update(extra)
    return env


def site_packages(python: str, env) -> str:
    out = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, stdout=subprocess.PIPE, text=True, env=env)
    return out.stdout.strip()


def audit_wheel(wheel: str) -> None:
    """The wheel's platform tag is manylinux_2_X_<arch> and its libraries keep
    to it (manylinux.audit)."""
    platform = os.path.basename(wheel)[:-len(".whl")].split("-")[-1]
    tag = manylinux.glibc_of_tag(platform)
    if tag is None:
        sys.exit("install_check: the wheel's platform tag is %s, not manylinux_2_X_<arch>" % platform)
    with tempfile.TemporaryDirectory(prefix="mailslot-wheel-") as tmp:
        with zipfile.ZipFile(wheel) as z:
            z.extractall(tmp)
        libs = [p for p in glob.glob(os.path.join(tmp, "mailslot", "lib*.so*")) if not p.endswith(".copyright")]
        errors, highest = manylinux.audit(libs)
        if highest[:2] > tag:
            errors.append("a library needs GLIBC_%s, above the tag's %d.%d" % (".".join(map(str, highest)), *tag))
        names = sorted(os.path.basename(p) for p in libs)
        if errors:
            sys.exit("install_check: %s (%s):\n  %s" % (platform, ", ".join(names), "\n  ".join(errors)))
    print("audit: %s keeps to %s (highest need GLIBC_%s)" % (", ".join(names), platform, ".".join(map(str, highest))))


def sonames_to_bundle(libraries: List[str]) -> List[str]:
    """The libraries that must come from the wheel, by the names the system
    gives them: libmailslot's SONAME, and every NEEDED entry of the wheel's
    libraries outside manylinux.ALLOWED with build_wheel.py's hash taken out
    (libsodium-1a2b3c4d.so.23 -> libsodium.so.23; an entry left unrenamed
    counts too, so a wheel that forgot to bundle is caught)."""
    names = set()
    for lib in libraries:
        d = manylinux.dynamic(lib)
        if os.path.basename(lib) == "libmailslot.so":
            names.update(d["SONAME"])
        names.update(re.sub(r"-[0-9a-f]{8}(\.so)", r"\1", n) for n in d["NEEDED"] if n not in manylinux.ALLOWED)
    return sorted(names)


def check_wheel(dist: str) -> int:
    wheels = glob.glob(os.path.join(dist, "mailslot-*.whl"))
    if len(wheels) != 1:
        sys.exit("install_check: expected one wheel in %s, found %s" % (dist, wheels))
    linux = sys.platform.startswith("linux")
    if linux:
        audit_wheel(wheels[0])
    with tempfile.TemporaryDirectory(prefix="mailslot-venv-") as tmp:
        venv = os.path.join(tmp, "venv")
        env = clean_env()
        run([sys.executable, "-m", "venv", venv], env=env)
        py = venv_python(venv)
        run([py, "-m", "pip", "install", "--no-index", "--no-deps", wheels[0]], env=env, cwd=tmp)
        site = site_packages(py, env)
        sonames = []
        if linux:
            sonames = sonames_to_bundle([p for p in glob.glob(os.path.join(site, "mailslot", "lib*.so*"))
                                         if not p.endswith(".copyright")])
        run([py, "-c", CHECK, site, "bundled", "visible", *sonames], env=env, cwd=tmp)
        if linux:
            hide = os.path.join(HERE, "without_system_libraries.sh")
            stems = [n.split(".so")[0] for n in sonames]
            cmd = ["bash", hide, *stems, "--", py, "-c", CHECK, site, "bundled", "hidden", *sonames]
            print("+", shown(cmd), flush=True)
            rc = subprocess.run(cmd, env=env, cwd=tmp).returncode
            if rc == SKIPPED:
                return SKIPPED
            if rc != 0:
                sys.exit("install_check: failed without the system's libraries (%d): %s" % (rc, shown(cmd)))
    return 0


def check_source(source: str, library: str) -> None:
    with tempfile.TemporaryDirectory(prefix="mailslot-venv-") as tmp:
        copy = os.path.join(tmp, "python")
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "build", "dist", "*.egg-info", ".pytest_cache",
            "libmailslot.so*", "*.dll", "*.dylib"))
        venv = os.path.join(tmp, "venv")
        env = clean_env()
        run([sys.executable, "-m", "venv", "--system-site-packages", venv], env=env)
        py = venv_python(venv)
        run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index", copy], env=env, cwd=tmp)
        env = clean_env({"MAILSLOT_LIBRARY": os.path.abspath(library)})
        run([py, "-c", CHECK, site_packages(py, env), "system", "visible"], env=env, cwd=tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["wheel", "source"])
    ap.add_argument("--dist")
    ap.add_argument("--source")
    ap.add_argument("--library")
    a = ap.parse_args()
    if a.mode == "wheel":
        if not a.dist:
            ap.error("wheel needs --dist")
        if check_wheel(a.dist) == SKIPPED:
            print("install_check wheel: SKIPPED in part (see above)")
            sys.exit(SKIPPED)
    else:
        if not (a.source and a.library):
            ap.error("source needs --source and --library")
        check_source(a.source, a.library)
    print("install_check %s: OK" % a.mode)


if __name__ == "__main__":
    main()
