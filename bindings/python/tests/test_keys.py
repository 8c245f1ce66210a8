# SPDX-License-Identifier: MIT
"""Network keys: the keywords keys, key_file, suite, replay_window,
time_window_ms, auth_migration, auth_log; the auth counters of stats() and
the key settings of settings(). Runs on both backends (conftest).

With the network off (conftest: MAILSLOT_NETWORK=0), a writer for
``\\\\*\\mailslot\\<path>`` still delivers this host's copy as a network
packet, sealed with the writer's keys: the reader authenticates it as it
would one from another host. Tests that need keys to work skip, with the
reason, when the library was built without libsodium.
"""

from __future__ import annotations

import logging
import os
import pathlib

import pytest
from conftest import wait_until

import mailslot
from mailslot import Mailslot

K1 = "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
K2 = "key 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n"


def _probe_sodium() -> str:
    """"" when keys work, else why not (the library's detail)."""
    from conftest import unique_name

    probe = Mailslot(unique_name("probe"), keys=K1, auth_log=False)
    try:
        probe.qsize()
    except mailslot.InvalidArgument as e:
        if "libsodium" in (e.detail or ""):
            return e.detail or "built without libsodium"
        raise
    finally:
        probe.close()
    return ""


_SODIUM = None


@pytest.fixture
def sodium() -> None:
    """Skips a test that needs a library with libsodium."""
    global _SODIUM
    if _SODIUM is None:
        _SODIUM = _probe_sodium()
    if _SODIUM:
        pytest.skip("network keys need libsodium: %s" % _SODIUM)


def star(name: str) -> str:
    return "\\\\*\\mailslot\\" + name


def key_file(directory: pathlib.Path, text: str, mode: int, filename: str = "keys") -> pathlib.Path:
    """A key file created with its mode from the start (no window where it is
    readable by others)."""
    path = directory / filename
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(str(path), mode)  # whatever the umask did
    return path


def keyed_reader(name: str, auth_log_on: bool = False, **kwargs) -> Mailslot:
    reader = Mailslot(name, keys=K1, auth_log=auth_log_on, **kwargs)
    reader.qsize()  # becomes the reader now
    return reader


def wait_stat(reader: Mailslot, field: str, value: int) -> None:
    wait_until(lambda: getattr(reader.stats(), field) == value, "stats().%s == %d" % (field, value))


# ---- round trips ------------------------------------------------------------


@pytest.mark.parametrize("suite", [1, 2])
def test_round_trip_with_keys(sodium, name, suite):
    with keyed_reader(name) as reader:
        with Mailslot(star(name), keys=K1, suite=suite, network=False) as writer:
            writer.put("sealed %d" % suite)
            writer.put("")
        assert reader.get(timeout_ms=5000) == "sealed %d" % suite
        assert reader.get(timeout_ms=5000) == ""
        stats = reader.stats()
        assert (stats.auth_verified, stats.auth_unverified, stats.auth_dropped, stats.dropped) == (2, 0, 0, 0)


def test_local_names_are_not_authenticated(sodium, name):
    # "\\.\" never touches the network: a writer without keys reaches a reader with keys.
    with keyed_reader(name) as reader:
        with Mailslot(name) as writer:
            writer.put("local")
        assert reader.get(timeout_ms=5000) == "local"
        assert reader.stats().auth_verified == 0


def test_unsigned_message_is_dropped_and_counted(sodium, name):
    with keyed_reader(name) as reader:
        with Mailslot(star(name), network=False) as writer:
            writer.put("unsigned")
        wait_stat(reader, "auth_none", 1)
        assert reader.empty()
        stats = reader.stats()
        assert stats.auth_dropped == stats.dropped == 1 and stats.auth_verified == 0


def test_message_with_another_key_is_dropped_and_counted(sodium, name):
    with keyed_reader(name) as reader:
        with Mailslot(star(name), keys=K2, network=False) as writer:
            writer.put("wrong key")
        wait_stat(reader, "auth_unknown_key", 1)
        assert reader.empty()
        # A writer with the right key still gets through, after the dropped one.
        with Mailslot(star(name), keys=K1, network=False) as writer:
            writer.put("right key")
        assert reader.get(timeout_ms=5000) == "right key"
        assert (reader.stats().auth_unknown_key, reader.stats().auth_verified) == (1, 1)


def test_migration_accepts_unsigned_messages_and_counts_them(sodium, name):
    with keyed_reader(name, auth_migration=True) as reader:
        with Mailslot(star(name), network=False) as writer:
            writer.put("unsigned")
        assert reader.get(timeout_ms=5000) == "unsigned"
        stats = reader.stats()
        assert (stats.auth_unverified, stats.auth_none, stats.dropped) == (1, 0, 0)


def test_reader_without_keys_reads_suite_1_and_drops_suite_2(sodium, name):
    with Mailslot(name) as reader:
        reader.qsize()
        with Mailslot(star(name), keys=K1, suite=2, network=False) as writer:
            writer.put("encrypted")
        wait_stat(reader, "unknown_version", 1)
        with Mailslot(star(name), keys=K1, suite=1, network=False) as writer:
            writer.put("signed")
        assert reader.get(timeout_ms=5000) == "signed"
        assert reader.empty()


def test_factory_passes_the_key_keywords(sodium, name):
    with mailslot.mailslot(name, keys=K1, replay_window=128, auth_log=False) as reader:
        assert (reader.settings().keys, reader.settings().replay_window) == (1, 128)
        with mailslot.mailslot(star(name), keys=K1, suite=2, network=False) as writer:
            assert writer.suite == 2
            writer.put("via factory")
        assert reader.get(timeout_ms=5000) == "via factory"


# ---- settings ---------------------------------------------------------------


def test_settings_without_keys_are_the_defaults(name):
    with Mailslot(name) as reader:
        s = reader.settings()
        assert (s.keys, s.suite, s.replay_window, s.time_window_ms, s.auth_migration, s.auth_log) == (
            0, 1, 64, 120000, False, True)


def test_settings_read_back_the_key_options(sodium, name):
    with Mailslot(name, keys=K1 + K2, replay_window=1024, time_window_ms=5000, auth_migration=True,
                  auth_log=False) as reader:
        s = reader.settings()
        assert (s.keys, s.suite, s.replay_window, s.time_window_ms, s.auth_migration, s.auth_log) == (
            2, 1, 1024, 5000, True, False)
        assert (reader.replay_window, reader.time_window_ms, reader.auth_migration, reader.auth_log) == (
            1024, 5000, True, False)


def test_settings_come_from_the_environment(sodium, name, tmp_path, monkeypatch):
    path = key_file(tmp_path, K1, 0o600)
    monkeypatch.setenv("MAILSLOT_KEY_FILE", str(path))
    monkeypatch.setenv("MAILSLOT_REPLAY_WINDOW", "256")
    monkeypatch.setenv("MAILSLOT_AUTH_LOG", "0")
    with Mailslot(name) as reader:
        s = reader.settings()
        assert (s.keys, s.replay_window, s.auth_log) == (1, 256, False)
    # Keywords win over the environment.
    with Mailslot(name, keys=K1 + K2, replay_window=64) as reader:
        assert (reader.settings().keys, reader.settings().replay_window) == (2, 64)


def test_constructor_keeps_what_was_given(name):
    m = Mailslot(name, key_file=pathlib.Path("/some/keys"), suite=2, replay_window=128, time_window_ms=1000,
                 auth_migration=False, auth_log=True)
    assert (m.key_file, m.suite, m.replay_window, m.time_window_ms, m.auth_migration, m.auth_log) == (
        "/some/keys", 2, 128, 1000, False, True)
    d = Mailslot(name)
    assert (d.key_file, d.suite, d.replay_window, d.time_window_ms, d.auth_migration, d.auth_log) == (
        None, None, None, None, None, None)


def test_stats_keep_their_positional_fields():
    stats = mailslot.NetworkStats(1, 2, 0, 0, 0, 0)
    assert (stats.received, stats.malformed, stats.auth_none, stats.dropped) == (1, 2, 0, 2)
    assert mailslot.NetworkStats(0, 0, 0, 0, 0, 1, auth_replay=2, auth_verified=5).dropped == 3


# ---- bad values -------------------------------------------------------------


@pytest.mark.parametrize("kwargs, exc", [
    ({"suite": 0}, mailslot.InvalidArgument),
    ({"suite": 3}, mailslot.InvalidArgument),
    ({"suite": "1"}, TypeError),
    ({"suite": True}, TypeError),
    ({"replay_window": 0}, mailslot.InvalidArgument),
    ({"replay_window": 65}, mailslot.InvalidArgument),
    ({"replay_window": 1088}, mailslot.InvalidArgument),
    ({"replay_window": 64.0}, TypeError),
    ({"time_window_ms": 999}, mailslot.InvalidArgument),
    ({"time_window_ms": 86400001}, mailslot.InvalidArgument),
    ({"time_window_ms": "1000"}, TypeError),
    ({"auth_migration": 1}, TypeError),
    ({"auth_log": "no"}, TypeError),
    ({"keys": K1.encode()}, TypeError),
    ({"keys": K1 + "\0"}, mailslot.InvalidArgument),
    ({"keys": K1, "key_file": "/k"}, mailslot.InvalidArgument),
    ({"key_file": ""}, mailslot.InvalidArgument),
    ({"key_file": 5}, TypeError),
    ({"key_file": b"/k"}, TypeError),
    ({"key_file": "/k\0"}, mailslot.InvalidArgument),
])
def test_constructor_rejects_bad_key_options(name, kwargs, exc):
    with pytest.raises(exc) as info:
        Mailslot(name, **kwargs)
    if issubclass(exc, mailslot.InvalidArgument):
        assert info.value.code == mailslot.E_INVALID
    assert K1.strip() not in str(info.value)  # key material stays out of messages


@pytest.mark.parametrize("text", ["not a key file", "key 0011", "key " + "g" * 64, K1 + "key zz\n"])
def test_key_text_the_library_refuses_raises_InvalidArgument(sodium, name, text):
    m = Mailslot(name, keys=text)
    with pytest.raises(mailslot.InvalidArgument) as info:
        m.qsize()
    assert info.value.code == mailslot.E_INVALID and "MAILSLOT_OPT_KEYS" in info.value.detail
    assert m.role is None
    with pytest.raises(mailslot.InvalidArgument):
        Mailslot(star(name), keys=text, network=False)  # a writer from the start


# ---- key files --------------------------------------------------------------


def test_key_file_0600_is_accepted(sodium, name, tmp_path):
    path = key_file(tmp_path, "# test keys\n" + K1, 0o600)
    for given in (path, str(path)):  # os.PathLike and str
        with Mailslot(name, key_file=given, auth_log=False) as reader:
            assert reader.settings().keys == 1 and reader.key_file == str(path)
            with Mailslot(star(name), key_file=given, network=False) as writer:
                writer.put("from a key file")
            assert reader.get(timeout_ms=5000) == "from a key file"
            assert reader.stats().auth_verified == 1


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o606])
def test_key_file_readable_by_others_raises_AccessDenied(sodium, name, tmp_path, mode):
    path = key_file(tmp_path, K1, mode)
    m = Mailslot(name, key_file=path)
    with pytest.raises(mailslot.AccessDenied) as info:
        m.qsize()
    assert isinstance(info.value, PermissionError) and info.value.code == mailslot.E_ACCESS
    with pytest.raises(mailslot.AccessDenied):
        Mailslot(star(name), key_file=path, network=False)


def test_missing_key_file_raises_NotFound(sodium, name, tmp_path):
    m = Mailslot(name, key_file=tmp_path / "missing")
    with pytest.raises(mailslot.NotFound) as info:
        m.qsize()
    assert isinstance(info.value, FileNotFoundError) and info.value.code == mailslot.E_NOT_FOUND


def test_key_file_with_bad_content_raises_InvalidArgument(sodium, name, tmp_path):
    path = key_file(tmp_path, K1 + "key nothex\n", 0o600)
    with pytest.raises(mailslot.InvalidArgument) as info:
        Mailslot(name, key_file=path).qsize()
    assert "line 2" in info.value.detail


# ---- a suite needs keys ------------------------------------------------------


@pytest.mark.parametrize("suite", [1, 2])
def test_suite_without_keys_raises_InvalidArgument(name, suite):
    with pytest.raises(mailslot.InvalidArgument) as e:
        with Mailslot(star(name), suite=suite, network=False) as writer:
            writer.put("would go out in clear")
    assert "MAILSLOT_OPT_SUITE asks for suite %d" % suite in (e.value.detail or "")
    assert "no keys" in (e.value.detail or "")


def test_suite_from_the_environment_without_keys_raises_InvalidArgument(name, monkeypatch):
    monkeypatch.setenv("MAILSLOT_SUITE", "2")
    with pytest.raises(mailslot.InvalidArgument, match="MAILSLOT_SUITE asks for suite 2"):
        with Mailslot(star(name), network=False) as writer:
            writer.put("would go out in clear")


# ---- the library's log messages (logging.getLogger("mailslot")) -------------


def test_a_dropped_message_is_logged_to_the_mailslot_logger(sodium, name, caplog):
    caplog.set_level(logging.DEBUG, logger="mailslot")
    with keyed_reader(name, auth_log_on=True) as reader:
        with Mailslot(star(name), network=False) as writer:
            writer.put("unsigned")
        wait_stat(reader, "auth_none", 1)
    canonical = mailslot.canonical_name(name)
    # The reader's thread logged it, possibly not this one: wait for the record.
    wait_until(lambda: any("(auth_none)" in r.getMessage() for r in caplog.records), "a record of the drop")
    (record,) = [r for r in caplog.records if r.name == "mailslot"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert message.startswith(canonical + ": dropped 1 network message (auth_none)")
    assert "key id" not in message  # an unsigned message has none
    assert not message.startswith("mailslot:")


def test_a_raised_level_silences_the_library(sodium, name, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("mailslot").setLevel(logging.ERROR)
    try:
        with keyed_reader(name, auth_log_on=True) as reader:
            with Mailslot(star(name), network=False) as writer:
                writer.put("unsigned")
            wait_stat(reader, "auth_none", 1)
            reader.qsize()  # a call after the drop: its line was handed over by now
    finally:
        logging.getLogger("mailslot").setLevel(logging.DEBUG)
    assert [r for r in caplog.records if r.name == "mailslot"] == []


def test_log_levels_are_the_library_table():
    from mailslot import _constants, _log

    table = pathlib.Path(__file__).resolve().parents[3] / "abi" / "constants.txt"
    if not table.exists():
        pytest.skip("abi/constants.txt is not next to this suite")
    rows = dict(line.split()[:2] for line in table.read_text().splitlines() if line.startswith("MAILSLOT_LOG_"))
    assert rows == {"MAILSLOT_" + n: str(getattr(_constants, n)) for n in ("LOG_ERROR", "LOG_WARNING", "LOG_INFO",
                                                                           "LOG_DEBUG")}
    if mailslot.backend == "swig":
        assert [mailslot._impl.m.LOG_ERROR, mailslot._impl.m.LOG_DEBUG] == [_constants.LOG_ERROR, _constants.LOG_DEBUG]
    assert [_log.python_level(n) for n in (0, 1, 2, 3, 4, 5)] == [
        logging.ERROR, logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG, logging.DEBUG]
