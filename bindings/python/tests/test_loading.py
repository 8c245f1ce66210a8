# SPDX-License-Identifier: MIT
"""Loading the C library, the version check and the backend choice."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import mailslot
from mailslot import _backend, _library

from conftest import SRC as SRC_DIR, run_python

# A fake libmailslot: the version functions, nothing else (the version check
# runs before any other function is bound).
FAKE_SOURCE = textwrap.dedent(
    """
    int mailslot_version(void) { return VERSION_NUMBER; }
    const char *mailslot_version_string(void) { return VERSION_TEXT; }
    """
)


def build_fake(tmp_path, major: int, minor: int = 2, patch: int = 3) -> str:
    cc = os.environ.get("MAILSLOT_CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler (set MAILSLOT_CC) to build the fake library")
    src = tmp_path / "fake.c"
    src.write_text(FAKE_SOURCE)
    out = tmp_path / ("libfake%d.so" % major)
    number = major * 10000 + minor * 100 + patch
    subprocess.run(
        [cc, "-shared", "-fPIC", "-o", str(out), str(src),
         "-DVERSION_NUMBER=%d" % number, '-DVERSION_TEXT="%d.%d.%d"' % (major, minor, patch)],
        check=True,
    )
    return str(out)


def test_backend_is_the_one_asked_for():
    asked = os.environ.get("MAILSLOT_BACKEND", "").strip().lower()
    if asked in ("", _backend.AUTO):
        assert mailslot.backend in _backend.BACKENDS
    else:
        assert mailslot.backend == asked


def test_library_version_has_the_supported_major():
    number = mailslot.library_version_number()
    assert number // 10000 == mailslot.ABI_MAJOR == _library._ABI_MAJOR
    assert mailslot.library_version() == "%d.%d.%d" % (number // 10000, number // 100 % 100, number % 100)


def test_library_comes_from_MAILSLOT_LIBRARY_when_set():
    if mailslot.backend != "ctypes":
        pytest.skip("the ctypes backend loads the library by path")
    env = os.environ.get("MAILSLOT_LIBRARY")
    if not env:
        pytest.skip("MAILSLOT_LIBRARY is not set")
    assert mailslot.library_path == env


def test_wrong_major_is_refused_naming_both_versions(tmp_path):
    other = _library._ABI_MAJOR + 1
    fake = build_fake(tmp_path, other)
    r = run_python("import mailslot", {"MAILSLOT_LIBRARY": fake, "MAILSLOT_BACKEND": "ctypes"})
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "%d.2.3" % other in r.stderr  # the library's version
    assert "major version %d" % _library._ABI_MAJOR in r.stderr  # the package's
    assert fake in r.stderr


def test_right_major_but_missing_functions_is_an_import_error(tmp_path):
    fake = build_fake(tmp_path, _library._ABI_MAJOR)
    r = run_python("import mailslot", {"MAILSLOT_LIBRARY": fake, "MAILSLOT_BACKEND": "ctypes"})
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "lacks mailslot_" in r.stderr


def test_check_version_in_process(tmp_path):
    fake = build_fake(tmp_path, _library._ABI_MAJOR + 3, 0, 0)
    lib = ctypes.CDLL(fake)
    with pytest.raises(ImportError, match=r"version %d\.0\.0 \(major %d\)" % (_library._ABI_MAJOR + 3, _library._ABI_MAJOR + 3)):
        _library.check_version(lib, fake)
    good = build_fake(tmp_path, _library._ABI_MAJOR, 4, 5)
    assert _library.check_version(ctypes.CDLL(good), good) == (_library._ABI_MAJOR * 10000 + 405, "%d.4.5" % _library._ABI_MAJOR)


def test_MAILSLOT_LIBRARY_naming_a_missing_file_is_an_import_error(tmp_path):
    missing = str(tmp_path / "no" / "libmailslot.so")
    r = run_python("import mailslot", {"MAILSLOT_LIBRARY": missing, "MAILSLOT_BACKEND": "ctypes"})
    assert r.returncode != 0
    assert "ImportError" in r.stderr and missing in r.stderr and "MAILSLOT_LIBRARY" in r.stderr


def test_library_missing_everywhere(tmp_path):
    with pytest.raises(ImportError) as info:
        _library.find(env="", package_dir=str(tmp_path), system=["libmailslot-test-absent.so.9"],
                      directories=[str(tmp_path / "lib")])
    text = str(info.value)
    assert "cannot find the mailslot C library" in text
    assert str(tmp_path) in text and "libmailslot-test-absent.so.9" in text
    assert str(tmp_path / "lib" / _library.system_names()[0]) + " (absent)" in text
    assert "MAILSLOT_LIBRARY" in text and "ldconfig" in text


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux file names and directories")


@linux_only
def test_search_order_after_the_environment_and_the_bundled_copy(tmp_path, monkeypatch):
    # Every place holds a file that fails to load, so find() tries them all
    # and the order it tried them in is the order of the attempts recorded.
    attempts = []

    def refuse(path):
        attempts.append(path)
        raise OSError("refused by the test")

    pkg, local, multiarch = tmp_path / "pkg", tmp_path / "local", tmp_path / "multiarch"
    for d in (pkg, local, multiarch):
        d.mkdir()
    (pkg / "libmailslot.so").write_bytes(b"")
    (local / "libmailslot.so.1").write_bytes(b"")
    (multiarch / "libmailslot.so.1").write_bytes(b"")
    monkeypatch.setattr(_library, "_open", refuse)
    monkeypatch.setattr(_library.ctypes.util, "find_library", lambda name: "libmailslot-by-find-library.so.1")
    monkeypatch.setattr(_library, "system_directories", lambda: [str(local), str(multiarch)])
    with pytest.raises(ImportError):
        _library.find(env="", package_dir=str(pkg))
    assert attempts == [
        str(pkg / "libmailslot.so"),
        "libmailslot.so.1", "libmailslot.so.0", "libmailslot.so",  # the dynamic loader
        "libmailslot-by-find-library.so.1",  # ctypes.util.find_library("mailslot")
        str(local / "libmailslot.so.1"),  # the directories, by path
        str(multiarch / "libmailslot.so.1"),
    ]


@linux_only
def test_system_directories_are_local_first_then_multiarch(monkeypatch):
    # /etc/ld.so.conf's order on Debian: what the loader would pick after ldconfig.
    monkeypatch.setattr(_library.sysconfig, "get_config_var", lambda name: {"MULTIARCH": "x-linux-gnu"}.get(name))
    assert _library.system_directories() == ["/usr/local/lib", "/usr/local/lib/x-linux-gnu", "/usr/lib/x-linux-gnu"]
    monkeypatch.setattr(_library.sysconfig, "get_config_var", lambda name: None)
    assert _library.system_directories() == ["/usr/local/lib"]


@linux_only
def test_library_in_a_directory_unknown_to_the_loader_is_found_by_path(tmp_path):
    # As after `cmake --install` without ldconfig: the loader's names fail,
    # the file is there. The first directory that has it wins.
    fake = build_fake(tmp_path, _library._ABI_MAJOR, 7, 8)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(fake, str(second / "libmailslot.so.1"))
    absent = ["libmailslot-test-absent.so.9"]
    lib, path = _library.find(env="", package_dir=str(tmp_path / "pkg"), system=absent,
                              directories=[str(first), str(second)])
    assert path == str(second / "libmailslot.so.1")
    assert _library.check_version(lib, path)[1] == "%d.7.8" % _library._ABI_MAJOR
    shutil.copy(fake, str(first / "libmailslot.so.1"))
    assert _library.find(env="", package_dir=str(tmp_path / "pkg"), system=absent,
                         directories=[str(first), str(second)])[1] == str(first / "libmailslot.so.1")


def test_import_fails_cleanly_when_no_library_is_found(tmp_path):
    # No MAILSLOT_LIBRARY, a package without a bundled copy, and a loader path
    # with nothing on it: only an installed system library could be found.
    probe = run_python(
        "import ctypes, sys\n"
        "for n in ('libmailslot.so.1', 'libmailslot.so.0', 'libmailslot.so'):\n"
        "    try: ctypes.CDLL(n); sys.exit(1)\n"
        "    except OSError: pass\n",
        {"MAILSLOT_LIBRARY": "", "LD_LIBRARY_PATH": ""},
    )
    if probe.returncode != 0:
        pytest.skip("a libmailslot is installed on this system")
    r = run_python("import mailslot", {"MAILSLOT_LIBRARY": "", "LD_LIBRARY_PATH": "", "MAILSLOT_BACKEND": "ctypes"})
    if os.environ.get("MAILSLOT_TEST_INSTALLED") == "1":
        pytest.skip("the installed package may bundle the library")
    assert r.returncode != 0
    assert "ImportError: mailslot: cannot find the mailslot C library" in r.stderr


def test_bundled_copy_is_found_in_the_package_directory(tmp_path):
    real = mailslot.library_path if mailslot.backend == "ctypes" else os.environ.get("MAILSLOT_LIBRARY", "")
    if not os.path.isabs(real):
        pytest.skip("the library was found by the loader, not by path")
    shutil.copy(real, str(tmp_path / _library.bundled_names()[0]))
    lib, path = _library.find(env="", package_dir=str(tmp_path), system=[])
    assert path == str(tmp_path / _library.bundled_names()[0])
    assert lib.mailslot_version() // 10000 == _library._ABI_MAJOR


def test_system_names_prefer_the_supported_major():
    names = _library.system_names()
    if os.name == "posix" and not names[0].endswith(".dylib"):
        assert names[0] == "libmailslot.so.%d" % _library._ABI_MAJOR
        assert {"libmailslot.so.1", "libmailslot.so.0", "libmailslot.so"} <= set(names)


def test_swig_backend_without_its_module_is_a_clear_import_error(tmp_path):
    # A PYTHONPATH without the SWIG module (and no module of that name elsewhere).
    probe = run_python("import mailslot_swig", {"PYTHONPATH": ""})
    if probe.returncode == 0:
        pytest.skip("mailslot_swig is installed system-wide")
    r = run_python("import sys; sys.path[:0] = [sys.argv[1]]; import mailslot",
                   {"MAILSLOT_BACKEND": "swig", "PYTHONPATH": ""}, args=[SRC_DIR])
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "MAILSLOT_BACKEND=swig" in r.stderr
    assert "MAILSLOT_BACKEND=ctypes" in r.stderr


def test_swig_backend_when_its_module_is_there():
    if mailslot.backend != "swig":
        pytest.skip("runs in the swig backend's run of the suite")
    import mailslot_swig

    assert mailslot.library_version_number() == mailslot_swig.version()
    assert mailslot._impl.m is mailslot_swig


def test_unknown_backend_is_an_import_error():
    r = run_python("import mailslot", {"MAILSLOT_BACKEND": "cffi"})
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "'cffi' is not a backend" in r.stderr
    with pytest.raises(ImportError):
        _backend.selected_name("cffi")
    assert _backend.selected_name("") == _backend.AUTO
    assert _backend.selected_name(" Auto ") == _backend.AUTO
    assert _backend.selected_name("SWIG") == "swig"
    assert _backend.selected_name("ctypes") == "ctypes"


# ---- the choice when MAILSLOT_BACKEND is unset -------------------------------


class FakeBackend:
    def __init__(self, name: str, version: int = 10100) -> None:
        self.name = name
        self.version = version


def fake_loaders(**backends):
    """choose()'s loaders: each returns its FakeBackend or raises its ImportError."""
    def loader(what):
        def load():
            if isinstance(what, Exception):
                raise what
            return what
        return load
    return {name: loader(what) for name, what in backends.items()}


def test_auto_takes_the_faster_backend_when_both_load():
    assert _backend.PREFERENCE == ("swig", "ctypes")  # bench/bench_putget.py measures it
    got = _backend.choose(fake_loaders(ctypes=FakeBackend("ctypes"), swig=FakeBackend("swig")))
    assert got.name == "swig"


def test_auto_takes_the_backend_that_loads(monkeypatch):
    monkeypatch.delenv("MAILSLOT_LIBRARY", raising=False)
    got = _backend.choose(fake_loaders(ctypes=FakeBackend("ctypes"), swig=ImportError("no module")))
    assert got.name == "ctypes"
    got = _backend.choose(fake_loaders(ctypes=ImportError("no library"), swig=FakeBackend("swig")))
    assert got.name == "swig"


def test_auto_passes_over_a_swig_module_of_another_library_version():
    got = _backend.choose(fake_loaders(ctypes=FakeBackend("ctypes", 10100), swig=FakeBackend("swig", 10200)))
    assert got.name == "ctypes"


def test_auto_without_any_backend_is_an_import_error_with_each_reason(monkeypatch):
    monkeypatch.delenv("MAILSLOT_LIBRARY", raising=False)
    with pytest.raises(ImportError) as info:
        _backend.choose(fake_loaders(ctypes=ImportError("no library here"), swig=ImportError("no module here")))
    text = str(info.value)
    assert "no backend loads" in text and "ctypes: no library here" in text and "swig: no module here" in text


def test_auto_does_not_look_past_a_MAILSLOT_LIBRARY_that_fails(monkeypatch):
    monkeypatch.setenv("MAILSLOT_LIBRARY", "/nonexistent/libmailslot.so.1")
    with pytest.raises(ImportError, match="cannot load the library named"):
        _backend.choose(fake_loaders(ctypes=ImportError("cannot load the library named by MAILSLOT_LIBRARY"),
                                     swig=FakeBackend("swig")))


def swig_version_here():
    """The SWIG module's library version where a child of this run imports
    it, or None where it cannot."""
    r = run_python("import mailslot_swig; print(mailslot_swig.version())")
    return int(r.stdout) if r.returncode == 0 else None


def test_import_with_MAILSLOT_BACKEND_unset_takes_the_faster_that_loads():
    swig = swig_version_here()
    r = run_python("import mailslot; print(mailslot.backend, mailslot.library_version_number())",
                   {"MAILSLOT_BACKEND": ""})
    assert r.returncode == 0, r.stderr
    backend, version = r.stdout.split()
    assert backend == ("swig" if swig == int(version) else "ctypes")


def test_an_explicit_backend_wins_over_the_faster():
    for asked in ("ctypes", "swig") if swig_version_here() is not None else ("ctypes",):
        r = run_python("import mailslot; print(mailslot.backend)", {"MAILSLOT_BACKEND": asked})
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == asked


def test_backend_implements_the_interface():
    impl = mailslot._impl
    for method in ("strerror", "canonical", "create", "read", "info", "set_read_timeout", "get_int", "fd",
                   "interrupt", "reader_name", "reader_close", "open", "write", "writer_close", "handle_value",
                   "poll"):
        assert callable(getattr(impl, method)), method
        assert hasattr(_backend.Backend, method), method


def test_every_c_function_has_argtypes_restype_and_errcheck():
    if mailslot.backend != "ctypes":
        pytest.skip("ctypes backend only")
    lib = mailslot._impl.lib
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "abi", "mailslot.h")
    if not os.path.exists(header):
        pytest.skip("abi/mailslot.h is not next to this suite")
    import re

    with open(header) as f:
        names = sorted(set(re.findall(r"MAILSLOT_CALL\s+(mailslot_\w+)\s*\(", f.read())))
    assert len(names) >= 20
    returns_code = set()
    with open(header) as f:
        for m in re.finditer(r"MAILSLOT_API int MAILSLOT_CALL (mailslot_\w+)", f.read()):
            returns_code.add(m.group(1))
    from mailslot import _ctypes_backend

    for n in names:
        fn = getattr(lib, n)
        assert fn.argtypes is not None, n
        if n in returns_code and n != "mailslot_version" and n not in _ctypes_backend.CHECKED_INLINE:
            assert fn.errcheck is not None, n
    for n in _ctypes_backend.CHECKED_INLINE:
        assert getattr(lib, n).restype is ctypes.c_int, n


def test_package_version_is_the_headers():
    # The version is written in abi/mailslot.h; the package's copies must follow it.
    here = os.path.dirname(os.path.abspath(__file__))
    header = os.path.join(here, "..", "..", "..", "abi", "mailslot.h")
    if not os.path.exists(header):
        pytest.skip("abi/mailslot.h is not next to this suite")
    with open(header, encoding="utf-8") as f:
        parts = dict(re.findall(r"^#define MAILSLOT_VERSION_(MAJOR|MINOR|PATCH) +(\d+)", f.read(), re.M))
    version = "%s.%s.%s" % (parts["MAJOR"], parts["MINOR"], parts["PATCH"])
    assert mailslot.__version__ == version
    with open(os.path.join(here, "..", "pyproject.toml"), encoding="utf-8") as f:
        assert re.search(r'^version = "%s"$' % re.escape(version), f.read(), re.M), "pyproject.toml's version"


def test_backend_poll_gives_None_for_no_message_and_raises_other_failures(pair):
    reader, writer = pair
    impl = mailslot._impl
    handle = reader._res.handle
    assert impl.poll(handle) is None
    writer.put("one")
    assert impl.poll(handle) == b"one"
    assert impl.poll(handle) is None
    # A failure other than "no message" is raised.
    if impl.name == "ctypes":
        with pytest.raises(mailslot.InvalidArgument):
            impl.poll(None)  # mailslot_read: reader is NULL
    else:
        other = impl.create(reader.name + "_other", 0, -1, 16, False)
        impl.reader_close(other)  # the module's object stays, closed
        with pytest.raises(mailslot.Closed):
            impl.poll(other)
