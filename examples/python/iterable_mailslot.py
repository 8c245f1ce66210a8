#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Iterate over the contents of a mailslot (winsys cookbook:
iterable_mailslot.py).

A Mailslot is its own iterator: ``for message in reader`` yields messages as
they arrive. The loop ends when the object is closed from another thread (or,
with a ``timeout_ms``, when none arrives in time); here a "STOP" sentinel
ends it.

    python3 iterable_mailslot.py [SLOT_NAME]
"""

import sys
import threading

import mailslot as ipc

name = sys.argv[1] if len(sys.argv) > 1 else "iterable"

with ipc.mailslot(name) as reader:
    print("%d messages waiting" % reader.qsize())  # the first use makes it the reader

    def write():
        with ipc.mailslot(name) as writer:
            for word in "the quick brown fox jumps over the lazy dog".split():
                writer.put(word)
            writer.put("STOP")

    writer_thread = threading.Thread(target=write)
    writer_thread.start()

    for message in reader:
        if message == "STOP":
            break
        print(message)

    writer_thread.join()
