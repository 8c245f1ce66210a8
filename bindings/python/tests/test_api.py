# SPDX-License-Identifier: MIT
"""The winsys-compatible Mailslot API: factory, roles, get/put and the rest."""

from __future__ import annotations

import os
import pickle
import pydoc
import queue
import select
import selectors
import time

import pytest

import mailslot
from mailslot import Mailslot

from conftest import LOOPBACK, Runner, unique_name, wait_until_waiting


# ---- the factory -------------------------------------------------------------


def test_factory_qualifies_bare_names(name):
    m = mailslot.mailslot(name)
    assert isinstance(m, Mailslot)
    assert m.name == "\\\\.\\mailslot\\" + name
    assert m.canonical_name == "\\\\.\\mailslot\\" + name.lower()
    sub = mailslot.mailslot("app\\" + name)
    assert sub.name == "\\\\.\\mailslot\\app\\" + name


def test_factory_keeps_qualified_names(name):
    # Remote names are writers from the start: the network is on (loopback
    # only) so that a host (an IP literal: no DNS) can be opened.
    for given in ("\\\\.\\mailslot\\" + name, "\\\\*\\mailslot\\" + name, "\\\\192.0.2.1\\mailslot\\" + name,
                  "\\\\example-domain\\mailslot\\" + name, "//./mailslot/" + name, "\\\\.\\MAILSLOT\\" + name):
        slot = mailslot.mailslot(given, domain="example-domain", **LOOPBACK)
        assert slot.name == given
        slot.close()
    assert mailslot.qualify("x") == "\\\\.\\mailslot\\x"
    assert mailslot.qualify("\\\\somehost\\mailslot\\x") == "\\\\somehost\\mailslot\\x"


def test_factory_returns_a_mailslot_unchanged_and_none_as_none(name):
    m = Mailslot(name)
    assert mailslot.mailslot(m) is m
    assert mailslot.mailslot(None) is None
    with pytest.raises(TypeError):
        mailslot.mailslot(42)


def test_factory_arguments(name):
    m = mailslot.mailslot(name, message_size=100, timeout_ms=250)
    assert (m.message_size, m.timeout_ms) == (100, 250)
    assert m.serialiser is mailslot.TEXT
    assert mailslot.mailslot(name, marshalled=True).serialiser is mailslot.MARSHAL
    assert mailslot.mailslot(name, marshalled=False).serialiser is mailslot.TEXT
    n = mailslot.mailslot(name, network=False, port=40101, ttl=3, domain=["a", "b"], interface="lo")
    assert (n.network, n.port, n.ttl, n.domain, n.interface) == (False, 40101, 3, ("a", "b"), "lo")
    with pytest.raises(TypeError):
        mailslot.mailslot(name, 0, 0, 0, False)  # type: ignore[misc] # the network options are keywords


def test_constructor_defaults(name):
    m = Mailslot(name)
    assert m.name == name
    assert m.serialiser is mailslot.TEXT
    assert (m.message_size, m.timeout_ms, m.queue_limit) == (0, -1, 65536)
    assert (m.network, m.port, m.ttl, m.domain, m.interface) == (None, None, None, None, None)
    assert m.role is None and not m.closed
    assert Mailslot.MAX_MESSAGE_SIZE == m.MAX_MESSAGE_SIZE == 1024 == mailslot.MAX_NETWORK_MESSAGE
    assert name.lower() in repr(m) and "unused" in repr(m)


@pytest.mark.parametrize("kwargs, exc", [
    ({"message_size": -1}, mailslot.InvalidArgument),
    ({"message_size": 65537}, mailslot.InvalidArgument),
    ({"message_size": "10"}, TypeError),
    ({"timeout_ms": -2}, mailslot.InvalidArgument),
    ({"timeout_ms": "1"}, TypeError),
    ({"queue_limit": 0}, mailslot.InvalidArgument),
    ({"serialiser": "text"}, TypeError),
    ({"serialiser": (str,)}, TypeError),
    ({"network": 1}, TypeError),
    ({"network": "yes"}, TypeError),
    ({"port": 0}, mailslot.InvalidArgument),
    ({"port": 65536}, mailslot.InvalidArgument),
    ({"port": "17317"}, TypeError),
    ({"port": True}, TypeError),
    ({"ttl": 0}, mailslot.InvalidArgument),
    ({"ttl": 256}, mailslot.InvalidArgument),
    ({"ttl": 1.5}, TypeError),
    ({"domain": 5}, TypeError),
    ({"domain": b"sales"}, TypeError),
    ({"domain": ["sales", 5]}, TypeError),
    ({"domain": ["sales,lab"]}, mailslot.InvalidArgument),
    ({"domain": "sa\0les"}, mailslot.InvalidArgument),
    ({"interface": 5}, TypeError),
    ({"interface": "lo\0"}, mailslot.InvalidArgument),
    ({"legacy": 1}, TypeError),
    ({"netbios_name": 5}, TypeError),
    ({"netbios_name": "box\0"}, mailslot.InvalidArgument),
])
def test_constructor_rejects_bad_arguments(name, kwargs, exc):
    with pytest.raises(exc) as info:
        Mailslot(name, **kwargs)
    if issubclass(exc, mailslot.InvalidArgument):
        assert isinstance(info.value, ValueError) and info.value.code == mailslot.E_INVALID


@pytest.mark.parametrize("bad", ["", "\\\\.\\pipe\\x", "a\\\\b", "a\\..\\b", "x" * 300, "a\x01b", "\\\\.\\mailslot\\"])
def test_invalid_names_raise_InvalidName(bad):
    with pytest.raises(mailslot.InvalidName) as info:
        Mailslot(bad)
    assert isinstance(info.value, ValueError)
    assert info.value.code == mailslot.E_NAME


def test_a_name_with_nul_is_refused_not_cut_short(name):
    with pytest.raises(mailslot.InvalidName):
        Mailslot(name + "\0tail")
    with pytest.raises(TypeError):
        Mailslot(b"bytes-name")  # type: ignore[arg-type]


def test_canonical_name_function():
    assert mailslot.canonical_name("App/Trace") == "\\\\.\\mailslot\\app\\trace"
    with pytest.raises(mailslot.InvalidName):
        mailslot.canonical_name("\\\\.\\pipe\\x")


# ---- roles -------------------------------------------------------------------


def test_local_name_becomes_a_reader_on_first_get(name):
    m = Mailslot(name)
    with pytest.raises(mailslot.Empty):
        m.get_nowait()
    assert m.role == "reader"
    with pytest.raises(mailslot.Exists):  # the name is taken now
        Mailslot(name).qsize()
    m.close()


@pytest.mark.parametrize("first_use", ["qsize", "empty", "full", "fileno", "next_size", "stats", "settings"])
def test_reading_calls_make_a_reader(name, first_use):
    m = Mailslot(name)
    getattr(m, first_use)()
    assert m.role == "reader"
    m.close()


def test_local_name_becomes_a_writer_on_first_put(pair, name):
    reader, _ = pair
    w = Mailslot(name)
    assert w.role is None
    w.put("x")
    assert w.role == "writer"
    assert reader.get() == "x"
    w.close()


def test_remote_names_are_writers_from_the_start(name):
    # "*", a host and a domain, with the network on (loopback only): a host
    # as an IP literal and a domain this host is in need no DNS, and opening
    # sends nothing.
    for remote in ("\\\\*\\mailslot\\" + name, "\\\\192.0.2.1\\mailslot\\" + name,
                   "\\\\example-domain\\mailslot\\" + name):
        m = Mailslot(remote, domain="example-domain", **LOOPBACK)
        assert m.role == "writer"
        for call in (m.get, m.qsize, m.stats, m.settings):
            with pytest.raises(mailslot.InvalidUse):
                call()
        m.close()


@pytest.mark.parametrize("remote", ["\\\\192.0.2.1\\mailslot\\x", "\\\\otherdomain\\mailslot\\x",
                                    "\\\\otherhost.invalid\\mailslot\\x"])
@pytest.mark.parametrize("network", [None, False])  # None: MAILSLOT_NETWORK=0 (conftest)
def test_network_off_remote_names_raise_NetworkError_at_construction(remote, network):
    with pytest.raises(mailslot.NetworkError) as info:
        Mailslot(remote, network=network)
    assert isinstance(info.value, ConnectionError) and info.value.code == mailslot.E_NETWORK
    assert "network is off" in info.value.detail and remote[2:11] in str(info.value)


def test_network_off_still_reaches_this_hosts_reader_through_star_and_domains(pair, name):
    reader, _ = pair
    for remote in ("\\\\*\\mailslot\\" + name, "\\\\workgroup\\mailslot\\" + name):
        with Mailslot(remote, network=False) as writer:
            writer.put(remote)
        assert reader.get(timeout_ms=1000) == remote
    with Mailslot("\\\\sales\\mailslot\\" + name, network=False, domain="lab,sales") as writer:
        writer.put("member")  # a domain this host is in, by option
    assert reader.get(timeout_ms=1000) == "member"


def test_reader_cannot_write_and_writer_cannot_read(pair):
    reader, writer = pair
    writer.put("x")
    with pytest.raises(mailslot.InvalidUse):
        reader.put("y")
    for call in (writer.get, writer.get_nowait, writer.qsize, writer.empty, writer.full, writer.fileno):
        with pytest.raises(mailslot.x_mailslot_invalid_use):
            call()
    assert reader.get() == "x"


def test_pyobject(pair, name):
    reader, writer = pair
    unused = Mailslot(name)
    with pytest.raises(mailslot.InvalidUse):
        unused.pyobject()
    assert reader.pyobject() == reader.fileno()
    assert isinstance(reader.pyobject(), int)
    with pytest.raises(mailslot.InvalidUse):
        writer.pyobject()  # not used yet: the pair's writer has not put
    writer.put("x")
    assert isinstance(writer.pyobject(), int) and writer.pyobject() != 0
    remote = Mailslot("\\\\*\\mailslot\\" + name)
    assert isinstance(remote.pyobject(), int)


# ---- get and put -------------------------------------------------------------


def test_put_and_get_text(pair):
    reader, writer = pair
    writer.put("hello")
    writer.put("grüße, 世界")
    writer.put(b"raw bytes")
    assert reader.qsize() == 3
    assert reader.get() == "hello"
    assert reader.get() == "grüße, 世界"
    assert reader.get() == "raw bytes"
    assert reader.empty()


def test_put_takes_queue_arguments_and_never_blocks(name):
    reader = Mailslot(name, queue_limit=1)
    reader.qsize()
    writer = Mailslot(name)
    writer.put("a", False)
    with pytest.raises(mailslot.Full):
        writer.put("b", block=True, timeout_ms=-1)  # a full reader: Full at once, no wait
    with pytest.raises(queue.Full):
        writer.put_nowait("c")
    assert reader.get() == "a"
    writer.put_nowait("d")
    assert reader.get() == "d"
    reader.close()
    writer.close()


def test_messages_of_one_writer_arrive_in_order(pair):
    reader, writer = pair
    for i in range(1000):
        writer.put(str(i))
    assert [reader.get() for _ in range(1000)] == [str(i) for i in range(1000)]


def test_zero_length_and_largest_local_message(name):
    reader = Mailslot(name, mailslot.BYTES)
    reader.qsize()
    writer = Mailslot(name, mailslot.BYTES)
    writer.put(b"")
    big = os.urandom(mailslot.MAX_LOCAL_MESSAGE)
    writer.put(big)
    assert reader.next_size() == 0
    assert reader.get() == b""
    assert reader.next_size() == len(big)
    assert reader.get() == big
    assert reader.next_size() is None
    with pytest.raises(mailslot.MessageTooBig):
        writer.put(big + b"x")
    assert reader.empty()
    reader.close()
    writer.close()


def test_get_nowait_and_block_false_raise_Empty_at_once(pair):
    reader, _ = pair
    with pytest.raises(mailslot.Empty) as info:
        reader.get_nowait()
    assert isinstance(info.value, queue.Empty)
    assert info.value.code == mailslot.E_TIMEOUT
    # block=False ignores timeout_ms, as queue.Queue ignores timeout.
    t0 = time.monotonic()
    with pytest.raises(queue.Empty):
        reader.get(block=False, timeout_ms=60000)
    with pytest.raises(queue.Empty):
        reader.get(False, -1)
    assert time.monotonic() - t0 < 30  # generous: "at once", not a minute


def test_get_waits_timeout_ms(pair):
    reader, _ = pair
    t0 = time.monotonic()
    with pytest.raises(mailslot.x_mailslot_empty) as info:
        reader.get(timeout_ms=120)
    assert time.monotonic() - t0 >= 0.119
    assert "120 ms" in str(info.value)
    t0 = time.monotonic()
    with pytest.raises(mailslot.Empty):
        reader.get(True, 0)


def test_get_uses_the_objects_timeout_when_none_is_given(name):
    reader = Mailslot(name, timeout_ms=100)
    t0 = time.monotonic()
    with pytest.raises(mailslot.Empty):
        reader.get()
    assert time.monotonic() - t0 >= 0.099
    reader.timeout_ms = 0
    assert reader.timeout_ms == 0
    with pytest.raises(mailslot.Empty):
        reader.get()
    with pytest.raises(ValueError):
        reader.timeout_ms = -5
    reader.close()


def test_get_forever_returns_when_a_message_arrives(pair):
    reader, writer = pair
    getter = Runner(lambda: reader.get(timeout_ms=-1))
    getter.start()
    wait_until_waiting(getter)
    writer.put("late")
    assert getter.finish() == "late"
    assert getter.error is None


def test_get_with_timeout_returns_a_message_that_arrives_in_time(pair):
    reader, writer = pair
    getter = Runner(lambda: reader.get(timeout_ms=600000))
    getter.start()
    wait_until_waiting(getter)
    writer.put("in time")
    assert getter.finish() == "in time"


def test_qsize_empty_full(name):
    reader = Mailslot(name, queue_limit=3)
    assert reader.qsize() == 0 and reader.empty() and not reader.full()
    writer = Mailslot(name)
    writer.put("a")
    assert reader.qsize() == 1 and not reader.empty() and not reader.full()
    writer.put("b")
    writer.put("c")
    assert reader.qsize() == 3 and reader.full()
    with pytest.raises(mailslot.Full) as info:
        writer.put("d")
    assert isinstance(info.value, queue.Full) and info.value.code == mailslot.E_FULL
    assert reader.get() == "a"
    writer.put("d")  # room again
    assert [reader.get() for _ in range(3)] == ["b", "c", "d"]
    reader.close()
    writer.close()


def test_put_without_a_reader_raises_NotFound(name):
    w = Mailslot(name)
    with pytest.raises(mailslot.NotFound) as info:
        w.put("x")
    assert isinstance(info.value, FileNotFoundError)
    assert info.value.code == mailslot.E_NOT_FOUND
    assert name.lower() in info.value.detail
    assert w.role is None  # not a writer yet: a later put may succeed
    reader = Mailslot(name)
    reader.qsize()
    w.put("now")
    assert reader.get() == "now"
    reader.close()


def test_writer_reaches_a_reader_restarted_under_the_same_name(name):
    r1 = Mailslot(name)
    r1.qsize()
    w = Mailslot(name)
    w.put("one")
    assert r1.get() == "one"
    r1.close()
    with pytest.raises(mailslot.NotFound):
        w.put("lost")
    r2 = Mailslot(name)
    r2.qsize()
    w.put("two")
    assert r2.get() == "two"
    r2.close()


def test_two_readers_for_one_name_raise_Exists(pair, name):
    with pytest.raises(mailslot.Exists) as info:
        Mailslot(name).get_nowait()
    assert isinstance(info.value, FileExistsError)
    assert info.value.code == mailslot.E_EXISTS


def test_message_size_of_a_writer_is_checked_before_sending(pair, name):
    reader, _ = pair
    w = Mailslot(name, message_size=10)
    w.put("0123456789")
    with pytest.raises(mailslot.MessageTooBig) as info:
        w.put("0123456789X")
    assert isinstance(info.value, ValueError) and info.value.code == mailslot.E_TOO_BIG
    assert reader.qsize() == 1
    assert reader.get() == "0123456789"


def test_message_size_of_a_reader_is_enforced_at_the_writer(name):
    reader = Mailslot(name, message_size=10)
    reader.qsize()
    w = Mailslot(name)
    w.put("x" * 10)
    with pytest.raises(mailslot.x_mailslot_message_too_big) as info:
        w.put("x" * 11)
    assert info.value.code == mailslot.E_TOO_BIG and "10" in str(info.value)
    assert reader.get() == "x" * 10
    assert reader.empty()
    reader.close()


def test_remote_puts_over_the_network_limit_raise_before_sending(pair, name):
    reader, _ = pair
    everyone = Mailslot("\\\\*\\mailslot\\" + name)
    everyone.put("x" * 1024)
    with pytest.raises(mailslot.MessageTooBig) as info:
        everyone.put("x" * 1025)
    assert "1024" in str(info.value)
    assert reader.get() == "x" * 1024  # a broadcast reaches this host's reader
    assert reader.empty()
    # Also when message_size asks for more than the network allows.
    big = Mailslot("\\\\*\\mailslot\\" + name, message_size=5000)
    with pytest.raises(mailslot.MessageTooBig):
        big.put("y" * 1025)
    assert reader.empty()


def test_broadcast_without_a_reader_is_not_an_error(name):
    Mailslot("\\\\*\\mailslot\\" + name).put("nobody listens")


def test_write_to_another_host_raises_NetworkError(name):
    # With the network off (conftest), a host beyond this one cannot be
    # opened: NetworkError at construction, before any name lookup.
    with pytest.raises(mailslot.NetworkError) as info:
        Mailslot("\\\\otherhost.invalid\\mailslot\\" + name).put("x")
    assert isinstance(info.value, ConnectionError) and info.value.code == mailslot.E_NETWORK


# ---- timeout= in seconds, as queue.Queue takes it ------------------------------


def test_get_timeout_in_seconds_is_a_wait_in_ms(pair):
    reader, _ = pair
    with pytest.raises(mailslot.Empty) as info:
        reader.get(timeout=0.12)
    assert "within 120 ms" in str(info.value)
    # A positive wait stays positive; 0 does not wait at all.
    with pytest.raises(mailslot.Empty) as info:
        reader.get(True, timeout=0.0001)
    assert "within 1 ms" in str(info.value)
    with pytest.raises(queue.Empty):
        reader.get(timeout=0)


def test_get_timeout_in_seconds_returns_a_message_that_arrives_in_time(pair):
    reader, writer = pair
    getter = Runner(lambda: reader.get(timeout=600.0))
    getter.start()
    wait_until_waiting(getter)
    writer.put("in time")
    assert getter.finish() == "in time"
    assert getter.error is None


def test_get_timeout_none_is_the_objects_timeout(name):
    reader = Mailslot(name, timeout_ms=100)
    with pytest.raises(mailslot.Empty) as info:
        reader.get(timeout=None)
    assert "within 100 ms" in str(info.value)
    reader.close()


def test_get_block_false_ignores_timeout_as_queue_does(pair):
    reader, writer = pair
    # An hour, or a value that would be refused: block=False does not wait.
    with pytest.raises(queue.Empty):
        reader.get(block=False, timeout=3600)
    with pytest.raises(queue.Empty):
        reader.get(False, timeout=-1)
    writer.put("there")
    assert reader.get(False, timeout=3600) == "there"


@pytest.mark.parametrize("block", [True, False])
def test_timeout_and_timeout_ms_together_are_a_TypeError(pair, block):
    reader, writer = pair
    with pytest.raises(TypeError, match="timeout .seconds. or timeout_ms .milliseconds., not both"):
        reader.get(block, 100, timeout=0.1)
    with pytest.raises(TypeError, match="not both"):
        writer.put("x", block, timeout_ms=100, timeout=0.1)
    assert reader.empty()  # nothing was sent


@pytest.mark.parametrize("bad", [-1, -0.001, float("nan"), 2147484.0])
def test_a_negative_or_huge_timeout_is_a_ValueError(pair, bad):
    reader, writer = pair
    with pytest.raises(ValueError, match="timeout") as info:
        reader.get(timeout=bad)
    assert isinstance(info.value, mailslot.InvalidArgument) and info.value.code == mailslot.E_INVALID
    with pytest.raises(ValueError, match="timeout"):
        writer.put("x", timeout=bad)
    assert reader.empty()


@pytest.mark.parametrize("bad", ["1", True, [1]])
def test_a_timeout_that_is_not_a_number_is_a_TypeError(pair, bad):
    reader, writer = pair
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        reader.get(timeout=bad)
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        writer.put("x", timeout=bad)


def test_put_accepts_timeout_and_never_waits(name):
    reader = Mailslot(name, queue_limit=1)
    reader.qsize()
    writer = Mailslot(name)
    writer.put("a", timeout=5)
    with pytest.raises(mailslot.Full):
        writer.put("b", block=True, timeout=3600)  # a full reader: Full at once, no wait
    assert reader.get(timeout=0) == "a"
    writer.close()
    reader.close()


def test_help_shows_readable_defaults_and_public_names():
    for what in (mailslot.Mailslot, mailslot.mailslot, mailslot):
        text = pydoc.plain(pydoc.render_doc(what))
        for unreadable in (" at 0x", "_errors.", "_slot.", "_serialisers.", "_checks.", "_values.", "_state.",
                           "_winsys.", "_DEFAULT"):
            assert unreadable not in text, "help(%s) shows %r" % (what.__name__, unreadable)
    text = pydoc.plain(pydoc.render_doc(mailslot.Mailslot))
    assert text.splitlines()[0].endswith("class Mailslot in module mailslot")
    assert "serialiser: 'Serialiser' = TEXT," in text
    assert "get(self, block: 'bool' = True, timeout_ms: 'Optional[int]' = None, *, timeout: 'Optional[float]' = None)" \
        in text
    assert [repr(s) for s in (mailslot.TEXT, mailslot.BYTES, mailslot.JSON, mailslot.MARSHAL)] == \
        ["TEXT", "BYTES", "JSON", "MARSHAL"]


def test_public_classes_and_serialisers_pickle_by_their_public_name():
    stats = mailslot.NetworkStats(1, 2, 3, 4, 5, 6, auth_verified=7)
    for obj in (stats, mailslot.ReaderSettings(100, -1, 7, False, True, 17317)):
        assert type(obj).__module__ == "mailslot"
        assert pickle.loads(pickle.dumps(obj)) == obj
    for serialiser in (mailslot.TEXT, mailslot.BYTES, mailslot.JSON, mailslot.MARSHAL):
        assert pickle.loads(pickle.dumps(serialiser)) is serialiser


# ---- network options, settings and counters ----------------------------------


def test_reader_settings_are_the_values_in_effect(name):
    reader = Mailslot(name, message_size=100, timeout_ms=250, queue_limit=7, allow_any_user=True,
                      network=False, port=40102)
    settings = reader.settings()
    assert settings == mailslot.ReaderSettings(max_message_size=100, read_timeout_ms=250, queue_limit=7,
                                               allow_any_user=True, network=False, port=40102,
                                               legacy=False)
    assert reader.queue_limit == 7
    reader.timeout_ms = -1
    assert reader.settings().read_timeout_ms == -1
    reader.close()
    assert reader.queue_limit == 7  # the value given, once closed


def test_reader_settings_without_options_come_from_the_environment_and_defaults(name):
    with Mailslot(name) as reader:
        settings = reader.settings()
        assert settings.network is False  # MAILSLOT_NETWORK=0 (conftest)
        assert settings.max_message_size == mailslot.MAX_LOCAL_MESSAGE
        assert settings.queue_limit == reader.queue_limit == mailslot.DEFAULT_QUEUE_LIMIT
        assert 1 <= settings.port <= 65535


def test_stats_of_a_fresh_reader_are_zero(name):
    with Mailslot(name) as reader:
        stats = reader.stats()
        assert stats == mailslot.NetworkStats(0, 0, 0, 0, 0, 0)
        assert stats.dropped == 0
        with pytest.raises(AttributeError):
            stats.received = 1  # type: ignore[misc] # frozen


def test_stats_count_network_messages(name):
    # "*" reaches this host's reader as a network packet, even with the
    # network off: the reader counts what it queues and what it drops.
    reader = Mailslot(name, message_size=10)
    reader.qsize()
    writer = Mailslot("\\\\*\\mailslot\\" + name, network=False)
    # One writer's messages are taken in order: once "fits" is read, the one
    # before it was counted.
    writer.put("x" * 11)  # within the network limit: dropped by the reader, not refused here
    writer.put("fits")
    assert reader.get(timeout_ms=1000) == "fits"
    stats = reader.stats()
    assert (stats.received, stats.over_limit, stats.dropped) == (1, 1, 1)
    assert reader.empty()
    writer.close()
    reader.close()
    with pytest.raises(mailslot.Closed):
        reader.stats()


def test_full_uses_the_readers_limit_in_effect(name):
    reader = Mailslot(name, queue_limit=2)
    writer = Mailslot(name)
    assert not reader.full()
    writer.put("a")
    writer.put("b")
    assert reader.full()
    reader.close()


def test_network_options_reach_the_library(name):
    reader = Mailslot(name, network=False, port=40103, domain=("example-domain", "other"), interface="lo")
    assert reader.settings().port == 40103
    with Mailslot(name, network=False, port=40103, ttl=4, domain="example-domain", interface="127.0.0.1") as w:
        w.put("local")
    assert reader.get(timeout_ms=1000) == "local"
    assert reader.domain == ("example-domain", "other")
    reader.close()


def test_legacy_options_reach_the_library(name):
    with Mailslot(name, network=False, legacy=True, netbios_name="LogHost") as reader:
        assert reader.settings().legacy is True
        assert reader.legacy is True and reader.netbios_name == "LogHost"
    with Mailslot(name, network=False) as reader:
        assert reader.settings().legacy is False and reader.legacy is None


def test_network_on_loopback(name):
    # The reader receives from the loopback network; writers open an IP
    # literal and a member domain (nothing is written to them).
    with Mailslot(name, port=40104, **LOOPBACK) as reader:
        assert reader.settings().network is True and reader.settings().port == 40104
        for remote in ("\\\\192.0.2.1\\mailslot\\x", "\\\\otherdomain\\mailslot\\x"):
            Mailslot(remote, port=40104, domain="otherdomain", **LOOPBACK).close()


@pytest.mark.parametrize("kwargs", [{"domain": "a,,b"}, {"domain": "bad domain"}, {"domain": ["d"] * 17},
                                    {"interface": "x\ty"}, {"interface": "i" * 64},
                                    {"netbios_name": "box.example"}, {"netbios_name": "SIXTEEN-CHARS-XX"}])
def test_options_the_library_refuses_raise_InvalidArgument_at_first_use(name, kwargs):
    m = Mailslot(name, **kwargs)
    with pytest.raises(mailslot.InvalidArgument) as info:
        m.qsize()
    assert info.value.code == mailslot.E_INVALID and "MAILSLOT_OPT_" in info.value.detail
    assert m.role is None
    with pytest.raises(mailslot.InvalidArgument):
        Mailslot("\\\\*\\mailslot\\" + name, **kwargs)  # a writer from the start


# ---- close and context manager -----------------------------------------------


def test_close_is_idempotent_and_frees_the_name(name):
    m = Mailslot(name)
    m.qsize()
    m.close()
    m.close()
    assert m.closed and "closed" in repr(m)
    again = Mailslot(name)
    again.qsize()  # would raise Exists if the name were still taken
    again.close()


def test_use_after_close_raises_Closed(pair):
    reader, writer = pair
    writer.put("x")
    reader.close()
    writer.close()
    for call in (reader.get, reader.get_nowait, reader.qsize, reader.fileno, reader.pyobject):
        with pytest.raises(mailslot.Closed) as info:
            call()
        assert info.value.code == mailslot.E_CLOSED
    with pytest.raises(mailslot.Closed):
        writer.put("y")


def test_close_of_an_unused_object(name):
    m = Mailslot(name)
    m.close()
    with pytest.raises(mailslot.Closed):
        m.put("x")


def test_context_manager_closes(name):
    with mailslot.mailslot(name) as reader:
        assert reader.empty()
        with mailslot.mailslot(name) as writer:
            writer.put("in")
        assert writer.closed
        assert reader.get() == "in"
    assert reader.closed
    with mailslot.mailslot(name) as again:
        again.qsize()


def test_garbage_collected_reader_frees_its_name(name):
    import gc

    m = Mailslot(name)
    m.qsize()
    del m
    gc.collect()
    again = Mailslot(name)
    again.qsize()
    again.close()


# ---- iteration, fileno, select -----------------------------------------------


def test_iteration_yields_messages_and_ends_on_timeout(name):
    reader = Mailslot(name, timeout_ms=50)
    reader.qsize()
    writer = Mailslot(name)
    for word in "the quick brown fox".split():
        writer.put(word)
    assert list(reader) == ["the", "quick", "brown", "fox"]
    reader.close()
    assert list(reader) == []


def test_fileno_works_with_select_and_selectors(pair):
    reader, writer = pair
    fd = reader.fileno()
    assert fd == reader.fileno() and isinstance(fd, int)
    assert select.select([reader], [], [], 0)[0] == []
    writer.put("ready")
    assert select.select([reader], [], [], 30)[0] == [reader]
    with selectors.DefaultSelector() as sel:
        sel.register(reader, selectors.EVENT_READ, "data")
        events = sel.select(timeout=30)
        assert [key.data for key, _ in events] == ["data"]
        assert reader.get() == "ready"
        assert sel.select(timeout=0) == []


def test_forked_child_cannot_use_the_parents_mailslot(pair):
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    reader, writer = pair
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            reader.get_nowait()
            code = 1
        except mailslot.Closed:
            pass
        except BaseException:
            code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    writer.put("parent still works")
    assert reader.get() == "parent still works"


def test_every_name_is_unique_per_process():
    a, b = unique_name(), unique_name()
    assert a != b and str(os.getpid()) in a

