# SPDX-License-Identifier: MIT
"""Every exception, its standard-library base class, and the code map."""

from __future__ import annotations

import pickle
import queue
import traceback

import pytest

import mailslot
from mailslot import _errors

# code -> (class, standard base class or None)
EXPECTED = {
    mailslot.E_INVALID: (mailslot.InvalidArgument, ValueError),
    mailslot.E_NAME: (mailslot.InvalidName, ValueError),
    mailslot.E_EXISTS: (mailslot.Exists, FileExistsError),
    mailslot.E_NOT_FOUND: (mailslot.NotFound, FileNotFoundError),
    mailslot.E_TIMEOUT: (mailslot.Empty, queue.Empty),
    mailslot.E_TOO_BIG: (mailslot.MessageTooBig, ValueError),
    mailslot.E_BUFFER: (mailslot.BufferTooSmall, None),
    mailslot.E_FULL: (mailslot.Full, queue.Full),
    mailslot.E_INTERRUPTED: (mailslot.Interrupted, None),
    mailslot.E_CLOSED: (mailslot.Closed, None),
    mailslot.E_NOMEM: (mailslot.OutOfMemory, MemoryError),
    mailslot.E_ACCESS: (mailslot.AccessDenied, PermissionError),
    mailslot.E_NETWORK: (mailslot.NetworkError, ConnectionError),
    mailslot.E_SYSTEM: (mailslot.SystemFailure, OSError),
}


def test_codes_are_the_abi_numbers():
    assert [mailslot.E_INVALID, mailslot.E_NAME, mailslot.E_EXISTS, mailslot.E_NOT_FOUND, mailslot.E_TIMEOUT,
            mailslot.E_TOO_BIG, mailslot.E_BUFFER, mailslot.E_FULL, mailslot.E_INTERRUPTED, mailslot.E_CLOSED,
            mailslot.E_NOMEM, mailslot.E_ACCESS, mailslot.E_NETWORK, mailslot.E_SYSTEM] == list(range(-1, -15, -1))


def test_every_code_has_a_class():
    assert set(mailslot.ERRORS) == set(EXPECTED)
    assert set(mailslot.ERRORS) == set(range(-1, -15, -1))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_error_for_each_code(code):
    cls, base = EXPECTED[code]
    assert mailslot.ERRORS[code] is cls
    text = mailslot.strerror(code)
    assert text and "unknown" not in text.lower()
    err = _errors.error_for(code, text, "the detail of code %d" % code)
    assert type(err) is cls
    assert isinstance(err, mailslot.MailslotError)
    assert isinstance(err, mailslot.x_mailslot)
    if base is not None:
        assert isinstance(err, base)
    assert err.code == code
    assert err.detail == "the detail of code %d" % code
    assert str(err) == "the detail of code %d" % code
    # Without a detail, the general text.
    assert str(_errors.error_for(code, text, "")) == text
    # Raised, caught by the standard base class.
    with pytest.raises(base or mailslot.MailslotError):
        raise err


def test_unknown_codes_give_MailslotError():
    err = _errors.error_for(-999, mailslot.strerror(-999), "")
    assert type(err) is mailslot.MailslotError
    assert err.code == -999 and str(err)


def test_python_side_exceptions():
    assert issubclass(mailslot.InvalidUse, mailslot.MailslotError)
    assert issubclass(mailslot.MessageTooComplex, mailslot.MailslotError)
    assert issubclass(mailslot.MessageTooComplex, ValueError)
    assert mailslot.InvalidUse("x").code is None


def test_winsys_aliases():
    assert mailslot.x_mailslot is mailslot.MailslotError
    assert mailslot.x_mailslot_empty is mailslot.Empty
    assert mailslot.x_mailslot_message_too_big is mailslot.MessageTooBig
    assert mailslot.x_mailslot_message_too_complex is mailslot.MessageTooComplex
    assert mailslot.x_mailslot_invalid_use is mailslot.InvalidUse


def test_library_errors_carry_code_and_detail(name):
    with pytest.raises(mailslot.NotFound) as info:
        mailslot.Mailslot(name).put("x")
    err = info.value
    assert err.code == mailslot.E_NOT_FOUND
    assert err.detail == "no reader owns \\\\.\\mailslot\\%s" % name.lower()
    assert str(err) == err.detail


def test_the_calls_of_every_message_raise_with_the_library_detail(name):
    # The ctypes backend tests the codes of mailslot_write and mailslot_read
    # itself (no errcheck): failures still carry the library's sentence.
    reader = mailslot.Mailslot(name, message_size=8)
    reader.qsize()
    writer = mailslot.Mailslot(name)
    with pytest.raises(mailslot.MessageTooBig) as info:
        writer.put("x" * 9)  # the writer knows no limit: the reader refuses it
    assert info.value.code == mailslot.E_TOO_BIG
    assert "8" in info.value.detail and "9" in info.value.detail
    with pytest.raises(mailslot.InvalidArgument) as info:
        mailslot._impl.read(reader._res.handle, -5)  # below MAILSLOT_USE_DEFAULT
    assert info.value.code == mailslot.E_INVALID
    assert "mailslot_read" in info.value.detail
    writer.close()
    reader.close()


PUBLIC = [mailslot.MailslotError, mailslot.MessageTooComplex, mailslot.InvalidUse] + [
    cls for cls, _ in EXPECTED.values()]


def test_exceptions_pickle_with_their_code():
    err = _errors.error_for(mailslot.E_FULL, "full", "queue full")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is mailslot.Full and back.code == mailslot.E_FULL and str(back) == "queue full"
    for cls in PUBLIC:
        back = pickle.loads(pickle.dumps(cls("text", code=-99, detail="the detail")))
        assert (type(back), back.args, back.code, back.detail) == (cls, ("text",), -99, "the detail")


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
def test_exceptions_are_named_where_programs_find_them(cls):
    assert cls.__module__ == "mailslot" and getattr(mailslot, cls.__name__) is cls
    assert repr(cls) == "<class 'mailslot.%s'>" % cls.__name__
    line = traceback.format_exception_only(cls, cls("why"))[-1]
    assert line == "mailslot.%s: why\n" % cls.__name__


def test_repr_of_NotFound():
    assert repr(mailslot.NotFound) == "<class 'mailslot.NotFound'>"
