# SPDX-License-Identifier: MIT
"""consumer.py NAME -- a round trip through the installed Python package
mailslot (a reader on NAME, a writer, put, get back), then one line for the
caller to compare with what it installed: the backend, mailslot.library_path,
the library's version and the package's __init__.py. MAILSLOT_BACKEND
chooses the backend as usual. Run by tests/install/system_install_test.sh
and tests/package/root_test.sh."""

import sys

import mailslot

name = sys.argv[1]
with mailslot.mailslot(name) as reader:
    reader.qsize()  # the reader exists before the writer opens
    with mailslot.mailslot(name) as writer:
        writer.put("installed")
    message = reader.get(timeout_ms=10000)
assert message == "installed", message
print(mailslot.backend, mailslot.library_path, mailslot.library_version(), mailslot.__file__)
