#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""feedsink.py -- a stand-in for a bridge on a writer's host: it listens on
the feed's name (src/linux/bridgefeed.h: the abstract AF_UNIX name
"mailslot-bridge/PORT", SOCK_SEQPACKET) so that the host's writers connect
and send it a copy of each packet to "*" or a domain.

    feedsink.py hold PORT    never reads: every writer's send buffer fills
    feedsink.py drain PORT   reads and discards everything, as a bridge would

Prints "listening" once writers can connect; runs until killed."""
import selectors
import signal
import socket
import sys


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("hold", "drain"):
        raise SystemExit(__doc__)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(b"\0mailslot-bridge/" + sys.argv[2].encode())
    s.listen(64)
    print("listening", flush=True)
    if sys.argv[1] == "hold":
        signal.pause()
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is s:
                c, _ = s.accept()
                sel.register(c, selectors.EVENT_READ)
            elif not key.fileobj.recv(65536):
                sel.unregister(key.fileobj)
                key.fileobj.close()


if __name__ == "__main__":
    main()
