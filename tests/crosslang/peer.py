# SPDX-License-Identifier: MIT
"""peer.py -- the Python side (mailslot_swig) of the cross-language test.

    peer.py read NAME COUNT   create a reader on NAME, print "ready", then print
                              COUNT messages as lowercase hex, one a line
    peer.py write NAME        send each line of standard input, given in hex,
                              as one message to NAME

crosslang.py starts it; every peer (Peer.cs, peer.lua) takes the same
arguments and speaks the same lines.
"""

import sys

import mailslot_swig as ms

READ_TIMEOUT_MS = 20000  # a lost message fails the test instead of hanging it


def read(name, count):
    reader = ms.Reader(name, read_timeout_ms=READ_TIMEOUT_MS)
    try:
        print("ready", flush=True)
        for _ in range(count):
            print(reader.read().hex(), flush=True)
    finally:
        reader.close()


def write(name):
    writer = ms.Writer(name)
    try:
        for line in sys.stdin:
            writer.write(bytes.fromhex(line.strip()))
    finally:
        writer.close()


def main(argv):
    if len(argv) == 4 and argv[1] == "read":
        read(argv[2], int(argv[3]))
    elif len(argv) == 3 and argv[1] == "write":
        write(argv[2])
    else:
        sys.exit("usage: peer.py read NAME COUNT | peer.py write NAME")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except ms.Error as e:
        sys.exit("peer.py: %s" % e)
