#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writing to a network logger (winsys cookbook: network_mailslot.py).

A reader listens on the mailslot "logger"; a writer writes to
\\\\*\\mailslot\\logger, every host's "logger", without knowing where (or
whether) a reader runs, and ends with the agreed "STOP" sentinel.

With no option, the reader is a thread and the main thread writes. With
--reader or --writer, this process plays one part only, so the two can run on
different hosts of one network (start the reader first):

    hostb$ python3 network_logger.py --reader [SLOT_NAME]
    hosta$ python3 network_logger.py --writer [SLOT_NAME]
"""

import sys
import threading

import mailslot as ipc

args = sys.argv[1:]
part = args.pop(0) if args and args[0] in ("--reader", "--writer") else None
if len(args) > 1 or (args and args[0].startswith("-")):
    sys.exit("usage: network_logger.py [--reader | --writer] [SLOT_NAME]")
name = args[0] if args else "logger"
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
                print(word, flush=True)


def write_words():
    with ipc.mailslot(r"\\*\mailslot\%s" % name) as logging_mailslot:
        for word in "the quick brown fox".split():
            logging_mailslot.put(word)
        logging_mailslot.put("STOP")


if part == "--reader":
    logger()
elif part == "--writer":
    write_words()
else:
    reader = threading.Thread(target=logger)
    reader.start()
    ready.wait()
    write_words()
    reader.join()
