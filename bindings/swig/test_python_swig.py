# SPDX-License-Identifier: MIT
"""Tests of the SWIG Python module mailslot_swig (the low-level surface that
the Python package's "swig" backend builds on).

Run: PYTHONPATH=<build>/bindings/swig/python python3 -m pytest test_python_swig.py
"""

import gc
import itertools
import os
import threading
import time

import pytest

import mailslot_swig as ms

# Keep to this host whoever runs the suite (CTest sets it too): a reader would
# otherwise join multicast groups on the real network. Tests of the network
# options turn it on in their options, on the loopback interface only.
os.environ["MAILSLOT_NETWORK"] = "0"
LOOPBACK = dict(network=1, interface="lo")

_counter = itertools.count()


def unique(tag):
    """A slot name no other test or process uses."""
    return "pyswig-%d-%d-%s" % (os.getpid(), next(_counter), tag)


@pytest.fixture
def pair():
    name = unique("pair")
    reader = ms.Reader(name)
    writer = ms.Writer(name)
    yield reader, writer
    writer.close()
    reader.close()


def error_code(call, *args, **kwargs):
    with pytest.raises(ms.Error) as info:
        call(*args, **kwargs)
    assert isinstance(info.value.code, int)
    assert isinstance(info.value.message, str)
    return info.value.code


def test_module_surface():
    assert ms.version() // 10000 == int(ms.version_string().split(".")[0])
    assert ms.E_TIMEOUT == -5 and ms.E_CLOSED == -10 and ms.E_BUFFER == -7
    assert ms.WAIT_FOREVER == -1 and ms.USE_DEFAULT == -2
    assert ms.NO_MESSAGE == 0xFFFFFFFF
    assert ms.strerror(ms.E_TIMEOUT)
    assert issubclass(ms.Error, Exception)
    err = ms.Error(-4, "no reader")
    assert err.code == -4 and err.message == "no reader"
    assert str(err) == "no reader (code -4)"


def test_round_trip_bytes(pair):
    reader, writer = pair
    payload = bytes(range(256)) * 4
    writer.write(b"hello")
    writer.write(bytearray(b"\x00\xff"))
    writer.write(memoryview(payload))
    first = reader.read(1000)
    assert first == b"hello" and type(first) is bytes
    assert reader.read(1000) == b"\x00\xff"
    assert reader.read(timeout_ms=1000) == payload


def test_write_releases_the_buffer(pair):
    reader, writer = pair
    buf = bytearray(b"grow")
    writer.write(buf)
    buf.extend(b"!")  # BufferError if write() still held a view
    assert reader.read(1000) == b"grow"


def test_str_is_refused(pair):
    _, writer = pair
    with pytest.raises(TypeError):
        writer.write("text")


def test_zero_length_message(pair):
    reader, writer = pair
    writer.write(b"")
    assert reader.read(1000) == b""


def test_largest_message(pair):
    reader, writer = pair
    big = os.urandom(ms.MAX_LOCAL_MESSAGE)
    writer.write(big)
    assert reader.read(1000) == big


def test_message_arriving_during_a_read_gets_a_big_enough_buffer(pair):
    # The read starts on an empty queue (so its first buffer is small) and the
    # message that wakes it is larger: the module retries on E_BUFFER itself.
    reader, writer = pair
    big = os.urandom(50000)
    result = {}
    started = threading.Event()

    def read():
        started.set()
        result["data"] = reader.read(10000)

    thread = threading.Thread(target=read)
    thread.start()
    started.wait()
    writer.write(big)
    thread.join(30)
    assert not thread.is_alive()
    assert result["data"] == big


def test_timeout_raises_error_code_minus_5():
    reader = ms.Reader(unique("timeout"))
    try:
        assert error_code(reader.read, 0) == -5
        assert error_code(reader.read, 20) == ms.E_TIMEOUT
    finally:
        reader.close()


def test_default_read_timeout_from_options():
    reader = ms.Reader(unique("default-timeout"), read_timeout_ms=0)
    try:
        assert reader.info() == (ms.MAX_LOCAL_MESSAGE, ms.NO_MESSAGE, 0, 0)
        assert error_code(reader.read) == ms.E_TIMEOUT
        reader.set_read_timeout(ms.WAIT_FOREVER)
        assert reader.info()[3] == ms.WAIT_FOREVER
        assert error_code(reader.set_read_timeout, -7) == ms.E_INVALID
    finally:
        reader.close()


def test_info_name_fd(pair):
    reader, writer = pair
    writer.write(b"12345")
    writer.write(b"1")
    max_size, next_size, count, timeout = reader.info()
    assert (max_size, next_size, count, timeout) == (ms.MAX_LOCAL_MESSAGE, 5, 2, ms.WAIT_FOREVER)
    assert reader.name().startswith("\\\\.\\mailslot\\pyswig-")
    fd = reader.fd()
    assert isinstance(fd, int) and fd >= 0 and reader.fd() == fd


def test_error_codes():
    name = unique("codes")
    reader = ms.Reader(name, max_message_size=10, queue_limit=2)
    try:
        assert error_code(ms.Reader, name) == ms.E_EXISTS
        assert error_code(ms.Writer, unique("nobody")) == ms.E_NOT_FOUND
        assert error_code(ms.Reader, "\\\\.\\pipe\\x") == ms.E_NAME
        assert error_code(ms.name_canonical, "a//b") == ms.E_NAME
        assert error_code(ms.Reader, unique("bad-size"), max_message_size=70000) == ms.E_INVALID
        writer = ms.Writer(name)
        assert error_code(writer.write, b"x" * 11) == ms.E_TOO_BIG
        writer.write(b"1")
        writer.write(b"2")
        assert error_code(writer.write, b"3") == ms.E_FULL
        writer.close()
    finally:
        reader.close()


def test_close_is_idempotent_and_use_after_close_raises():
    name = unique("close")
    reader = ms.Reader(name)
    writer = ms.Writer(name)
    assert not reader.closed() and not writer.closed()
    reader.close()
    reader.close()
    writer.close()
    writer.close()
    assert reader.closed() and writer.closed()
    for call in (lambda: reader.read(0), reader.info, reader.name, reader.fd, reader.interrupt,
                 lambda: reader.set_read_timeout(0), lambda: writer.write(b"x")):
        assert error_code(call) == ms.E_CLOSED
    ms.Reader(name).close()  # the name is free again
    reader = writer = None
    gc.collect()  # collection after close is safe


def test_unbound_calls_on_none_raise_instead_of_crashing():
    assert error_code(ms.Reader.read, None, 0) == ms.E_INVALID
    assert error_code(ms.Writer.write, None, b"x") == ms.E_INVALID
    ms.Reader.close(None)
    assert ms.Reader.closed(None)


def test_collection_closes_a_forgotten_reader():
    name = unique("gc")
    reader = ms.Reader(name)
    del reader
    gc.collect()
    ms.Reader(name).close()


def _blocked_read(reader):
    """Starts a thread blocked in reader.read(WAIT_FOREVER); returns it and a
    dict that receives the outcome."""
    outcome = {}
    started = threading.Event()

    def run():
        started.set()
        try:
            outcome["data"] = reader.read(ms.WAIT_FOREVER)
        except ms.Error as e:
            outcome["code"] = e.code

    thread = threading.Thread(target=run)
    thread.start()
    started.wait()
    return thread, outcome


def test_close_from_another_thread_wakes_a_blocked_read():
    reader = ms.Reader(unique("close-wakes"))
    thread, outcome = _blocked_read(reader)
    reader.close()  # a read not yet blocked fails the same way
    thread.join(30)
    assert not thread.is_alive()
    assert outcome == {"code": ms.E_CLOSED}
    del reader
    gc.collect()


def test_interrupt_wakes_a_blocked_read():
    reader = ms.Reader(unique("interrupt"))
    try:
        thread, outcome = _blocked_read(reader)
        # interrupt only wakes reads already waiting: repeat until it lands
        while thread.is_alive():
            reader.interrupt()
            thread.join(0.01)
        assert outcome == {"code": ms.E_INTERRUPTED}
    finally:
        reader.close()


def test_blocking_read_releases_the_gil():
    reader = ms.Reader(unique("gil"))
    window = {}

    def run():
        window["start"] = time.monotonic()
        with pytest.raises(ms.Error):
            reader.read(1000)
        window["end"] = time.monotonic()

    thread = threading.Thread(target=run)
    stamps = []
    thread.start()
    while thread.is_alive():
        stamps.append(time.monotonic())
    thread.join()
    reader.close()
    # Python code in this thread ran while the other one waited in read():
    # impossible if the call held the GIL.
    inside = [t for t in stamps if window["start"] + 0.2 < t < window["end"] - 0.2]
    assert window["end"] - window["start"] >= 0.9
    assert len(inside) > 100


# ---- network options and get_int --------------------------------------------


#: abi/constants.txt: (NAME without MAILSLOT_, value) of every row, in order.
TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "abi", "constants.txt")
with open(TABLE) as _table:
    ROWS = [(line.split()[0][len("MAILSLOT_"):], int(line.split()[1])) for line in _table
            if line.strip() and not line.startswith("#")]
STATS = tuple(name for name, _ in ROWS if name.startswith("STAT_"))
AUTH_STATS = tuple(name for name in STATS if name.startswith("STAT_AUTH_"))


def test_every_constant_of_the_table_is_in_the_module():
    assert ROWS and STATS
    for name, value in ROWS:
        assert getattr(ms, name, None) == value, name


def test_get_int_reads_options_in_effect_and_zero_counters():
    reader = ms.Reader(unique("get-int"), max_message_size=100, read_timeout_ms=250, queue_limit=7,
                       allow_any_user=1, network=0, port=40001)
    try:
        assert reader.get_int(ms.OPT_MAX_MESSAGE_SIZE) == 100
        assert reader.get_int(ms.OPT_READ_TIMEOUT) == 250
        assert reader.get_int(ms.OPT_QUEUE_LIMIT) == 7
        assert reader.get_int(ms.OPT_ALLOW_ANY_USER) == 1
        assert reader.get_int(ms.OPT_NETWORK) == 0
        assert reader.get_int(key=ms.OPT_PORT) == 40001
        for stat in STATS:
            value = reader.get_int(getattr(ms, stat))
            assert value == 0 and type(value) is int, stat
        reader.set_read_timeout(ms.WAIT_FOREVER)
        assert reader.get_int(ms.OPT_READ_TIMEOUT) == ms.WAIT_FOREVER
    finally:
        reader.close()


def test_get_int_defaults_come_from_the_environment():
    reader = ms.Reader(unique("get-int-env"))
    try:
        assert reader.get_int(ms.OPT_NETWORK) == 0  # MAILSLOT_NETWORK=0 above
        assert reader.get_int(ms.OPT_QUEUE_LIMIT) == 65536
        assert reader.get_int(ms.OPT_MAX_MESSAGE_SIZE) == ms.MAX_LOCAL_MESSAGE
    finally:
        reader.close()


@pytest.mark.parametrize("key", [0, ms.OPT_TTL, ms.OPT_DOMAIN, ms.OPT_INTERFACE, 100, 199, -1])
def test_get_int_with_a_bad_key_raises_E_INVALID(key):
    reader = ms.Reader(unique("bad-key"))
    try:
        assert error_code(reader.get_int, key) == ms.E_INVALID
    finally:
        reader.close()
    assert error_code(reader.get_int, ms.OPT_PORT) == ms.E_CLOSED


def test_counters_count_network_messages():
    # "*" reaches this host's reader as a network packet, even with the
    # network off: the reader counts what it queues and what it drops.
    name = unique("counters")
    reader = ms.Reader(name, max_message_size=10)
    writer = ms.Writer("\\\\*\\mailslot\\" + name, network=0)
    try:
        # One writer's messages are taken in order: once "fits" is read, the
        # one before it was counted.
        writer.write(b"x" * 11)  # over the reader's limit: dropped there, not refused here
        writer.write(b"fits")
        assert reader.read(1000) == b"fits"
        assert reader.get_int(ms.STAT_NET_RECEIVED) == 1
        assert reader.get_int(ms.STAT_NET_OVER_LIMIT) == 1
        assert error_code(reader.read, 0) == ms.E_TIMEOUT
    finally:
        writer.close()
        reader.close()


def test_network_options_are_accepted():
    name = unique("net-options")
    reader = ms.Reader(name, network=0, port=40002, domain="example-domain,other", interface="lo")
    try:
        assert reader.get_int(ms.OPT_PORT) == 40002
        writer = ms.Writer(name, network=0, port=40002, ttl=4, domain="example-domain", interface="127.0.0.1")
        writer.write(b"local")
        assert reader.read(1000) == b"local"
        writer.close()
        # a member domain is this host, network or not
        member = ms.Writer("\\\\example-domain\\mailslot\\" + name, network=0, domain="example-domain")
        member.write(b"domain")
        assert reader.read(1000) == b"domain"
        member.close()
        ms.Writer("\\\\*\\mailslot\\" + name, domain="", interface="").close()
    finally:
        reader.close()


def test_network_on_loopback():
    # Network on, loopback only: the reader reports it, and writers open IP
    # literals and domains without sending anything (nothing is written).
    reader = ms.Reader(unique("net-on"), port=40003, **LOOPBACK)
    try:
        assert reader.get_int(ms.OPT_NETWORK) == 1
        assert reader.get_int(ms.OPT_PORT) == 40003
        for name in ("\\\\192.0.2.1\\mailslot\\x", "\\\\otherdomain\\mailslot\\x"):
            ms.Writer(name, port=40003, domain="otherdomain", **LOOPBACK).close()
    finally:
        reader.close()


@pytest.mark.parametrize("kwargs", [
    dict(network=2), dict(network=-1), dict(port=0), dict(port=65536), dict(port=-5),
    dict(domain="a,,b"), dict(domain="bad domain"), dict(domain="a,"), dict(domain=",".join(["d"] * 17)),
    dict(interface="x\ty"), dict(interface="i" * 64),
])
def test_bad_network_options_raise_E_INVALID(kwargs):
    assert error_code(ms.Reader, unique("bad-net"), **kwargs) == ms.E_INVALID
    assert error_code(ms.Writer, "\\\\*\\mailslot\\x", **kwargs) == ms.E_INVALID


@pytest.mark.parametrize("ttl", [0, 256, -1])
def test_bad_ttl_raises_E_INVALID(ttl):
    with pytest.raises(ms.Error) as info:
        ms.Writer("\\\\*\\mailslot\\x", ttl=ttl)
    assert info.value.code == ms.E_INVALID and "TTL" in info.value.message


def test_option_types():
    with pytest.raises(TypeError):
        ms.Writer("\\\\*\\mailslot\\x", port="17317")
    with pytest.raises(TypeError):
        ms.Writer("\\\\*\\mailslot\\x", ttl=1.5)
    with pytest.raises(TypeError):
        ms.Reader(unique("no-ttl"), ttl=1)  # a writer's option only
    ms.Writer("\\\\*\\mailslot\\x", network=None, port=None, ttl=None, domain=None, interface=None).close()


def test_network_off_remote_names_raise_E_NETWORK():
    for name in ("\\\\192.0.2.1\\mailslot\\x", "\\\\otherdomain\\mailslot\\x",
                 "\\\\otherhost.invalid\\mailslot\\x"):
        with pytest.raises(ms.Error) as info:
            ms.Writer(name, network=0)
        assert info.value.code == ms.E_NETWORK
        assert "network is off" in info.value.message
        assert error_code(ms.Writer, name) == ms.E_NETWORK  # the environment's 0
    # "*" and this host's domains still open
    ms.Writer("\\\\*\\mailslot\\x", network=0).close()
    ms.Writer("\\\\workgroup\\mailslot\\x", network=0).close()


# ---- network keys -------------------------------------------------------------
# With the network off, a writer for "\\*\mailslot\<path>" still delivers this
# host's copy as a network packet, sealed with its keys.

K1 = "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
K2 = "key 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n"
_sodium = []


@pytest.fixture
def sodium():
    """Skips a test that needs a library built with libsodium."""
    if not _sodium:
        try:
            ms.Reader(unique("probe"), keys=K1, auth_log=0).close()
            _sodium.append("")
        except ms.Error as e:
            if e.code != ms.E_INVALID or "libsodium" not in e.message:
                raise
            _sodium.append(e.message)
    if _sodium[0]:
        pytest.skip("network keys need libsodium: " + _sodium[0])


def star(name):
    return "\\\\*\\mailslot\\" + name


def wait_counter(reader, key, value):
    deadline = time.monotonic() + 20
    while reader.get_int(key) != value:
        assert time.monotonic() < deadline, "counter %d did not reach %d" % (key, value)
        time.sleep(0.001)


def test_key_settings_without_keys_are_the_defaults():
    reader = ms.Reader(unique("defaults"))
    try:
        assert [reader.get_int(k) for k in (ms.OPT_KEYS, ms.OPT_KEY_FILE, ms.OPT_SUITE, ms.OPT_REPLAY_WINDOW,
                                            ms.OPT_TIME_WINDOW, ms.OPT_AUTH_MIGRATION, ms.OPT_AUTH_LOG)] == [
            0, 0, 1, 64, 120000, 0, 1]
        assert [reader.get_int(getattr(ms, key)) for key in AUTH_STATS] == [0] * len(AUTH_STATS)
    finally:
        reader.close()


@pytest.mark.parametrize("suite", [1, 2])
def test_round_trip_with_keys(sodium, suite):
    name = unique("keys%d" % suite)
    reader = ms.Reader(name, keys=K1, auth_log=0)
    try:
        ms.Writer(star(name), network=0, keys=K1, suite=suite).write(b"sealed\0bytes")
        assert reader.read(5000) == b"sealed\0bytes"
        assert reader.get_int(ms.STAT_AUTH_VERIFIED) == 1
    finally:
        reader.close()


def test_unsigned_and_wrong_key_messages_are_dropped_and_counted(sodium):
    name = unique("drops")
    reader = ms.Reader(name, keys=K1, auth_log=0)
    try:
        ms.Writer(star(name), network=0).write(b"unsigned")
        wait_counter(reader, ms.STAT_AUTH_NONE, 1)
        ms.Writer(star(name), network=0, keys=K2).write(b"wrong key")
        wait_counter(reader, ms.STAT_AUTH_UNKNOWN_KEY, 1)
        assert reader.info()[2] == 0
        assert reader.get_int(ms.STAT_AUTH_VERIFIED) == 0
    finally:
        reader.close()


def test_migration_accepts_unsigned_messages(sodium):
    name = unique("migration")
    reader = ms.Reader(name, keys=K1, auth_migration=1, auth_log=0)
    try:
        ms.Writer(star(name), network=0).write(b"unsigned")
        assert reader.read(5000) == b"unsigned"
        assert (reader.get_int(ms.STAT_AUTH_UNVERIFIED), reader.get_int(ms.STAT_AUTH_NONE)) == (1, 0)
    finally:
        reader.close()


def test_reader_without_keys_drops_suite_2(sodium):
    name = unique("nokeys")
    reader = ms.Reader(name)
    try:
        ms.Writer(star(name), network=0, keys=K1, suite=2).write(b"encrypted")
        wait_counter(reader, ms.STAT_NET_UNKNOWN_VERSION, 1)
        ms.Writer(star(name), network=0, keys=K1, suite=1).write(b"signed")
        assert reader.read(5000) == b"signed"
    finally:
        reader.close()


def test_key_settings_read_back(sodium):
    reader = ms.Reader(unique("settings"), keys=K1 + K2, replay_window=512, time_window_ms=3000, auth_migration=1,
                       auth_log=0)
    try:
        assert [reader.get_int(k) for k in (ms.OPT_KEYS, ms.OPT_KEY_FILE, ms.OPT_REPLAY_WINDOW, ms.OPT_TIME_WINDOW,
                                            ms.OPT_AUTH_MIGRATION, ms.OPT_AUTH_LOG)] == [2, 2, 512, 3000, 1, 0]
    finally:
        reader.close()


@pytest.mark.parametrize("kwargs", [dict(replay_window=96), dict(replay_window=2048), dict(time_window_ms=999),
                                    dict(time_window_ms=86400001), dict(auth_migration=2), dict(auth_log=-1)])
def test_bad_reader_key_options_raise_E_INVALID(kwargs):
    with pytest.raises(ms.Error) as info:
        ms.Reader(unique("bad"), **kwargs)
    assert info.value.code == ms.E_INVALID and "MAILSLOT_OPT_" in info.value.message


@pytest.mark.parametrize("suite", [0, 3, -1])
def test_bad_suite_raises_E_INVALID(suite):
    with pytest.raises(ms.Error) as info:
        ms.Writer(star("x"), network=0, suite=suite)
    assert info.value.code == ms.E_INVALID and "MAILSLOT_OPT_SUITE" in info.value.message


def test_bad_key_text_and_both_sources_raise_E_INVALID(sodium):
    assert error_code(ms.Reader, unique("badtext"), keys="key 0011") == ms.E_INVALID
    assert error_code(ms.Writer, star("x"), network=0, keys="nonsense") == ms.E_INVALID
    with pytest.raises(ms.Error) as info:
        ms.Reader(unique("both"), keys=K1, key_file="/k")
    assert info.value.code == ms.E_INVALID and "not both" in info.value.message


def test_key_option_types():
    with pytest.raises(TypeError):
        ms.Reader(unique("t"), replay_window="64")
    with pytest.raises(TypeError):
        ms.Writer(star("x"), suite=1.5)
    with pytest.raises(TypeError):
        ms.Reader(unique("t"), keys=b"key")
    ms.Writer(star("x"), network=0, keys=None, key_file=None, suite=None).close()


def _key_file(tmp_path, mode):
    path = os.path.join(str(tmp_path), "keys")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w") as f:
        f.write(K1)
    os.chmod(path, mode)
    return path


def test_key_file_0600_is_accepted(sodium, tmp_path):
    path = _key_file(tmp_path, 0o600)
    name = unique("keyfile")
    reader = ms.Reader(name, key_file=path, auth_log=0)
    try:
        assert reader.get_int(ms.OPT_KEY_FILE) == 1
        ms.Writer(star(name), network=0, key_file=path).write(b"from a file")
        assert reader.read(5000) == b"from a file"
    finally:
        reader.close()


def test_key_file_0644_raises_E_ACCESS_and_a_missing_one_E_NOT_FOUND(sodium, tmp_path):
    path = _key_file(tmp_path, 0o644)
    assert error_code(ms.Reader, unique("open"), key_file=path) == ms.E_ACCESS
    assert error_code(ms.Writer, star("x"), network=0, key_file=path) == ms.E_ACCESS
    assert error_code(ms.Reader, unique("missing"), key_file=path + ".missing") == ms.E_NOT_FOUND
