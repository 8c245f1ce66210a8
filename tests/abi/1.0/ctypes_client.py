"""FROZEN: the 1.0 ctypes declarations, loading the library of this build.

    python3 ctypes_client.py LIBRARY [--package-src DIR]

A Python program that declares libmailslot's functions itself (as the
``mailslot`` package 1.0.0 does in ``_ctypes_backend.py``) keeps working with
every 1.x library: this file holds those declarations as they were at 1.0.0,
loads LIBRARY through them (give the SONAME, libmailslot.so.1, as such a
program would) and calls every 1.0 function, with the 1.0 numbers written out.
With ``--package-src`` (the package's ``src`` directory), it also checks that
the package still declares each 1.0 function the same way, in ABI terms.

Never edit the declarations or the numbers below to follow the library.
Keeps to this host (the network option is 0). Prints one line per failure and
a summary; exit status 0 when every check held.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import select
import sys
import threading
import time
from ctypes import POINTER, byref, c_char_p, c_int, c_int32, c_int64, c_size_t, c_ssize_t, c_uint32, c_void_p

HERE = os.path.dirname(os.path.abspath(__file__))

# The declarations of 1.0.0: name -> (restype, argtypes).
DECLARATIONS = {
    "mailslot_version": (c_int, []),
    "mailslot_version_string": (c_char_p, []),
    "mailslot_strerror": (c_char_p, [c_int]),
    "mailslot_last_error_detail": (c_char_p, []),
    "mailslot_options_new": (c_int, [POINTER(c_void_p)]),
    "mailslot_options_set_int": (c_int, [c_void_p, c_int, c_int64]),
    "mailslot_options_set_str": (c_int, [c_void_p, c_int, c_char_p]),
    "mailslot_options_free": (None, [c_void_p]),
    "mailslot_create": (c_int, [c_char_p, c_void_p, POINTER(c_void_p)]),
    "mailslot_read": (c_int, [c_void_p, c_void_p, c_size_t, POINTER(c_size_t), c_int32]),
    "mailslot_info": (c_int, [c_void_p, POINTER(c_uint32), POINTER(c_uint32), POINTER(c_uint32), POINTER(c_int32)]),
    "mailslot_set_read_timeout": (c_int, [c_void_p, c_int32]),
    "mailslot_fd": (c_int, [c_void_p, POINTER(c_ssize_t)]),  # intptr_t
    "mailslot_interrupt": (c_int, [c_void_p]),
    "mailslot_reader_get_int": (c_int, [c_void_p, c_int, POINTER(c_int64)]),
    "mailslot_reader_name": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_size_t)]),
    "mailslot_reader_close": (None, [c_void_p]),
    "mailslot_open": (c_int, [c_char_p, c_void_p, POINTER(c_void_p)]),
    "mailslot_write": (c_int, [c_void_p, c_void_p, c_size_t]),
    "mailslot_writer_close": (None, [c_void_p]),
    "mailslot_name_canonical": (c_int, [c_char_p, c_char_p, c_size_t, POINTER(c_size_t)]),
}

# The numbers of 1.0.0.
OK, E_INVALID, E_NAME, E_EXISTS, E_NOT_FOUND, E_TIMEOUT, E_TOO_BIG, E_BUFFER, E_FULL = 0, -1, -2, -3, -4, -5, -6, -7, -8
E_INTERRUPTED, E_CLOSED, E_NOMEM, E_ACCESS, E_NETWORK, E_SYSTEM = -9, -10, -11, -12, -13, -14
OPT_MAX_MESSAGE_SIZE, OPT_READ_TIMEOUT, OPT_QUEUE_LIMIT, OPT_ALLOW_ANY_USER = 1, 2, 3, 4
OPT_NETWORK, OPT_PORT, OPT_TTL, OPT_DOMAIN, OPT_INTERFACE = 5, 6, 7, 8, 9
STAT_NET_RECEIVED, STAT_NET_OVER_LIMIT = 101, 106
WAIT_FOREVER, USE_DEFAULT, NO_MESSAGE, MAX_LOCAL_MESSAGE = -1, -2, 0xFFFFFFFF, 65536

checks = 0
failures = 0


def check(cond: bool, what: str, lib=None) -> None:
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        detail = lib.mailslot_last_error_detail().decode("utf-8", "replace") if lib is not None else ""
        print("FAIL %s (detail: %s)" % (what, detail))


def declare(lib: ctypes.CDLL) -> None:
    for name, (restype, argtypes) in DECLARATIONS.items():
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = argtypes


def header_functions() -> set:
    with open(os.path.join(HERE, "mailslot.h"), encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r"^MAILSLOT_API[^;(]*MAILSLOT_CALL\s+(mailslot_[a-z0-9_]+)", text, re.M))


def abi_kind(t) -> tuple:
    """What a ctypes type is to the calling convention: a pointer, or an
    integer of a size and signedness (None: void)."""
    if t is None:
        return ("void",)
    if t in (c_char_p, c_void_p, ctypes.c_wchar_p) or issubclass(t, ctypes._Pointer):
        return ("pointer",)
    code = getattr(t, "_type_", "?")
    signed = code in "bhilqn" if isinstance(code, str) and len(code) == 1 else None
    return ("int", ctypes.sizeof(t), signed)


def check_package(lib_path: str, src: str) -> None:
    """The package's ctypes backend declares every 1.0 function as above."""
    sys.path.insert(0, src)
    os.environ["MAILSLOT_LIBRARY"] = lib_path  # the package loads this library at import
    os.environ["MAILSLOT_BACKEND"] = "ctypes"
    from mailslot import _ctypes_backend  # noqa: E402 (the package under test)

    lib = ctypes.CDLL(lib_path)  # its own handle: the package sets its own declarations
    version = lib.mailslot_version()
    _ctypes_backend.CtypesBackend(lib, lib_path, version, "%d" % version)
    for name, (restype, argtypes) in DECLARATIONS.items():
        f = getattr(lib, name)
        have = (abi_kind(f.restype), [abi_kind(a) for a in (f.argtypes or [])])
        want = (abi_kind(restype), [abi_kind(a) for a in argtypes])
        check(have == want, "the package declares %s as %s, 1.0 as %s" % (name, have, want))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--package-src")
    args = ap.parse_args()

    check(set(DECLARATIONS) == header_functions(), "the declarations are the 1.0 header's functions")
    lib = ctypes.CDLL(args.library)
    declare(lib)
    L = lib

    # ---- version and errors
    version = L.mailslot_version()
    text = L.mailslot_version_string().decode()
    check(version // 10000 == 1 and version >= 10000, "library major 1, at least 1.0.0: %d" % version)
    check(text == "%d.%d.%d" % (version // 10000, version // 100 % 100, version % 100), "version text %s" % text)
    for code in range(OK, E_SYSTEM - 1, -1):
        check(bool(L.mailslot_strerror(code)), "strerror(%d)" % code)

    # ---- options
    o = c_void_p()
    check(L.mailslot_options_new(None) == E_INVALID, "options_new(NULL)", L)
    check(L.mailslot_options_new(byref(o)) == OK and o.value, "options_new", L)
    for key, value in ((OPT_MAX_MESSAGE_SIZE, 100), (OPT_QUEUE_LIMIT, 2), (OPT_READ_TIMEOUT, 50),
                       (OPT_ALLOW_ANY_USER, 0), (OPT_NETWORK, 0), (OPT_PORT, 17317), (OPT_TTL, 1)):
        check(L.mailslot_options_set_int(o, key, value) == OK, "set_int(%d, %d)" % (key, value), L)
    check(L.mailslot_options_set_int(o, 99999, 1) == E_INVALID, "set_int(unknown key)", L)
    check(L.mailslot_options_set_str(o, OPT_DOMAIN, b"abi-ctypes-domain") == OK, "set_str(DOMAIN)", L)
    check(L.mailslot_options_set_str(o, OPT_QUEUE_LIMIT, b"1") == E_INVALID, "set_str(int key)", L)
    local = c_void_p()
    check(L.mailslot_options_new(byref(local)) == OK, "options_new", L)
    check(L.mailslot_options_set_int(local, OPT_NETWORK, 0) == OK, "set_int(NETWORK, 0)", L)

    # ---- names
    n = c_size_t()
    buf = ctypes.create_string_buffer(256)
    check(L.mailslot_name_canonical(b"ABI-Ctypes/X", buf, 256, byref(n)) == OK
          and buf.value == b"\\\\.\\mailslot\\abi-ctypes\\x" and n.value == len(buf.value), "name_canonical", L)
    check(L.mailslot_name_canonical(b"x", buf, 2, byref(n)) == E_BUFFER and n.value == len(b"\\\\.\\mailslot\\x"),
          "name_canonical: small buffer", L)
    check(L.mailslot_name_canonical(b"\\\\.\\pipe\\x", buf, 256, byref(n)) == E_NAME, "name_canonical: pipe", L)

    # ---- reader
    path = ("abi-ctypes\\%d" % os.getpid()).encode()
    name = b"\\\\.\\mailslot\\" + path
    r = c_void_p()
    check(L.mailslot_create(path, o, byref(r)) == OK and r.value, "create", L)
    if not r.value:
        print("ctypes 1.0: cannot go on without a reader")
        return 1
    r2 = c_void_p()
    check(L.mailslot_create(name, None, byref(r2)) == E_EXISTS, "create: exists", L)
    check(L.mailslot_reader_name(r, buf, 256, byref(n)) == OK and buf.value == name, "reader_name", L)
    mx, nx, cnt, to = c_uint32(), c_uint32(), c_uint32(), c_int32()
    check(L.mailslot_info(r, byref(mx), byref(nx), byref(cnt), byref(to)) == OK
          and (mx.value, nx.value, cnt.value, to.value) == (100, NO_MESSAGE, 0, 50), "info", L)
    v = c_int64()
    for key, want in ((OPT_MAX_MESSAGE_SIZE, 100), (OPT_QUEUE_LIMIT, 2), (OPT_READ_TIMEOUT, 50),
                      (OPT_NETWORK, 0), (OPT_PORT, 17317), (STAT_NET_RECEIVED, 0), (STAT_NET_OVER_LIMIT, 0)):
        check(L.mailslot_reader_get_int(r, key, byref(v)) == OK and v.value == want, "get_int(%d)" % key, L)
    check(L.mailslot_reader_get_int(r, 99999, byref(v)) == E_INVALID, "get_int(unknown key)", L)
    check(L.mailslot_set_read_timeout(r, 20) == OK, "set_read_timeout", L)
    check(L.mailslot_read(r, buf, 256, byref(n), 0) == E_TIMEOUT, "read: timeout 0", L)
    check(L.mailslot_read(r, buf, 256, byref(n), USE_DEFAULT) == E_TIMEOUT, "read: default timeout", L)
    fd = c_ssize_t()
    check(L.mailslot_fd(r, byref(fd)) == OK, "fd", L)

    # ---- writer
    w = c_void_p()
    check(L.mailslot_open(b"abi-ctypes\\nobody-%d" % os.getpid(), local, byref(w)) == E_NOT_FOUND, "open: no reader", L)
    check(L.mailslot_open(b"\\\\192.0.2.1\\mailslot\\x", local, byref(w)) == E_NETWORK, "open: network off", L)
    check(L.mailslot_open(name, None, byref(w)) == OK and w.value, "open", L)
    check(L.mailslot_write(w, b"hello", 5) == OK, "write", L)
    if os.name == "posix":
        check(select.select([fd.value], [], [], 10)[0] == [fd.value], "fd readable")
    check(L.mailslot_read(r, buf, 2, byref(n), 1000) == E_BUFFER and n.value == 5, "read: small buffer", L)
    check(L.mailslot_read(r, buf, 256, byref(n), 1000) == OK and buf.raw[:n.value] == b"hello", "read", L)
    big = ctypes.create_string_buffer(MAX_LOCAL_MESSAGE + 1)
    check(L.mailslot_write(w, big, MAX_LOCAL_MESSAGE + 1) == E_TOO_BIG, "write: over 64 KiB", L)
    if os.name == "posix":
        check(L.mailslot_write(w, big, 101) == E_TOO_BIG, "write: over MAX_MESSAGE_SIZE", L)
        check(L.mailslot_write(w, b"1", 1) == OK and L.mailslot_write(w, b"2", 1) == OK, "write to the limit", L)
        check(L.mailslot_write(w, b"3", 1) == E_FULL, "write: queue full", L)
        for want in (b"1", b"2"):
            check(L.mailslot_read(r, buf, 256, byref(n), 1000) == OK and buf.raw[:n.value] == want, "read", L)

    # ---- interrupt: a read waiting in another thread
    result = {}

    def blocked() -> None:
        m = c_size_t()
        result["rc"] = L.mailslot_read(r, ctypes.create_string_buffer(8), 8, byref(m), WAIT_FOREVER)

    t = threading.Thread(target=blocked)
    t.start()
    deadline = time.monotonic() + 10
    while t.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
        check(L.mailslot_interrupt(r) == OK, "interrupt", L)
    t.join(10)
    check(result.get("rc") == E_INTERRUPTED, "interrupted read: %r" % result.get("rc"))

    L.mailslot_reader_close(r)
    check(L.mailslot_write(w, b"lost", 4) == E_NOT_FOUND, "write: reader gone", L)
    L.mailslot_writer_close(w)
    L.mailslot_writer_close(None)
    L.mailslot_reader_close(None)
    L.mailslot_options_free(local)
    L.mailslot_options_free(o)

    if args.package_src:
        check_package(args.library, args.package_src)

    print("ctypes 1.0 declarations against library %s (%s): %d checks, %d failed"
          % (text, args.library, checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
