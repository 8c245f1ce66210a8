#!/usr/bin/env python3
"""Writing to a network logger (winsys cookbook: network_mailslot.py).

A reader thread listens on the mailslot "logger"; the main thread writes to
\\\\*\\mailslot\\logger, every host's "logger", without knowing where (or
whether) a reader runs, and ends with the agreed "STOP" sentinel.

    python3 network_logger.py [SLOT_NAME]
"""

import sys
import threading

import mailslot as ipc

name = sys.argv[1] if len(sys.argv) > 1 else "logger"
ready = threading.Event()


def logger():
    with ipc.mailslot(name) as l:
        # Become the reader before the writer starts: a broadcast to a name
        # nobody reads yet is simply lost (winsys's version raced here).
        l.empty()
        ready.set()
        while True:
            word = l.get()
            if word == "STOP":
                break
            else:
                print(word)


reader = threading.Thread(target=logger)
reader.start()
ready.wait()

with ipc.mailslot(r"\\*\mailslot\%s" % name) as logging_mailslot:
    for word in "the quick brown fox".split():
        logging_mailslot.put(word)
    logging_mailslot.put("STOP")

reader.join()
