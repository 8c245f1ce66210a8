#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read and write a local mailslot, interleaving reads and writes (winsys
cookbook: local_mailslot.py).

One object reads and another writes the same name. Each turn tries to read
without blocking (``block=False`` raises at once, whatever ``timeout_ms``
says, as ``queue.Queue`` does), then sometimes writes the next word; "STOP"
ends it.

    python3 local_mailslot.py [SLOT_NAME]
"""

import random
import sys

import mailslot as ipc

name = sys.argv[1] if len(sys.argv) > 1 else "reader"
reader = ipc.mailslot(name)
writer = ipc.mailslot(name)

message = list(reversed("the quick brown fox jumps over the lazy dog".split()))

while True:
    try:
        data = reader.get(block=False, timeout_ms=1000)
        if data == "STOP":
            break
    except ipc.x_mailslot_empty:
        pass
    else:
        print(data)

    if random.randint(1, 100) > 95:
        try:
            writer.put(message.pop())
        except IndexError:
            writer.put("STOP")

writer.close()
reader.close()
