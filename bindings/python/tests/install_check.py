#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Installation checks, run by CTest (not by pytest).

    install_check.py wheel  --dist DIR
        A fresh virtual environment (no system site packages), the one wheel in
        DIR installed offline, and nothing else: no MAILSLOT_LIBRARY, no
        PYTHONPATH. `import mailslot` must load the bundled library and a
        message must go through.

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
import shutil
import subprocess
import sys
import tempfile

CHECK = r"""
import os, sys, mailslot
from importlib import metadata
site = sys.argv[1]
meta = metadata.metadata("mailslot")
assert meta["License"] == "MIT", meta["License"]
assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier"), meta.get_all("Classifier")
assert any(f.name == "LICENSE" for f in metadata.files("mailslot")), "no LICENSE in the installed metadata"
print("mailslot", mailslot.__version__, "from", mailslot.__file__)
print("library", mailslot.library_path, mailslot.library_version())
assert os.path.realpath(mailslot.__file__).startswith(os.path.realpath(site)), mailslot.__file__
assert os.path.exists(os.path.join(os.path.dirname(mailslot.__file__), "py.typed"))
if sys.argv[2] == "bundled":
    assert os.path.realpath(mailslot.library_path).startswith(os.path.realpath(site)), mailslot.library_path
name = "install_check_%d" % os.getpid()
with mailslot.mailslot(name) as reader:
    reader.qsize()
    with mailslot.mailslot(name) as writer:
        writer.put("installed ok")
    message = reader.get(timeout_ms=30000)
assert message == "installed ok", message
print(message)
"""


def run(cmd, **kw):
    print("+", " ".join("<check script>" if "\n" in c else c for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


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


def check_wheel(dist: str) -> None:
    wheels = glob.glob(os.path.join(dist, "mailslot-*.whl"))
    if len(wheels) != 1:
        sys.exit("install_check: expected one wheel in %s, found %s" % (dist, wheels))
    with tempfile.TemporaryDirectory(prefix="mailslot-venv-") as tmp:
        venv = os.path.join(tmp, "venv")
        env = clean_env()
        run([sys.executable, "-m", "venv", venv], env=env)
        py = venv_python(venv)
        run([py, "-m", "pip", "install", "--no-index", "--no-deps", wheels[0]], env=env, cwd=tmp)
        run([py, "-c", CHECK, site_packages(py, env), "bundled"], env=env, cwd=tmp)


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
        run([py, "-c", CHECK, site_packages(py, env), "system"], env=env, cwd=tmp)


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
        check_wheel(a.dist)
    else:
        if not (a.source and a.library):
            ap.error("source needs --source and --library")
        check_source(a.source, a.library)
    print("install_check %s: OK" % a.mode)


if __name__ == "__main__":
    main()
