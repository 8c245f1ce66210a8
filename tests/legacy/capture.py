#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""capture.py -- what arrives on a UDP port, for writer_test.sh: a raw
listener, so that the test sees the datagrams the library sent as any
receiver gets them, with the address each was sent to.

    capture.py listen PORT DIR COUNT SECONDS
        binds 0.0.0.0:PORT, prints "ready", then for each datagram (at most
        COUNT, for at most SECONDS) writes it to DIR/N.bin (N from 1) and
        prints "N from IP:PORT to IP len BYTES". Exit status 0 when COUNT
        came.
    capture.py same A B
        exit status 0 when the datagrams in files A and B are the same but
        for their datagram ids (bytes 2 and 3, chosen by each sender).
"""
import os
import socket
import struct
import sys
import time

IP_PKTINFO = 8  # Linux, <netinet/in.h>; Python's socket module lacks it


def listen(port, out, count, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind(("0.0.0.0", port))
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    got = 0
    while got < count and time.monotonic() < deadline:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data, anc, _, addr = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            break
        to = "?"
        for level, kind, value in anc:
            if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
                # struct in_pktinfo: ifindex, local address, header destination
                to = socket.inet_ntoa(struct.unpack("i4s4s", value[:12])[2])
        got += 1
        with open(os.path.join(out, "%d.bin" % got), "wb") as f:
            f.write(data)
        print("%d from %s:%d to %s len %d" % (got, addr[0], addr[1], to, len(data)), flush=True)
    return 0 if got == count else 1


def same(a, b):
    with open(a, "rb") as f:
        x = bytearray(f.read())
    with open(b, "rb") as f:
        y = bytearray(f.read())
    x[2:4] = y[2:4] = b"\0\0"
    if x == y:
        return 0
    print("differ:\n  %s\n  %s" % (x.hex(), y.hex()))
    return 1


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "listen":
        return listen(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    if len(sys.argv) == 4 and sys.argv[1] == "same":
        return same(sys.argv[2], sys.argv[3])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
