#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""nmbd_peer.py -- our side of nmbd_test.sh: the browser messages ([MS-BRWS])
that the library writes and reads in legacy mode, and a NetBIOS name query
(encoded and decoded by legacy_tool, src/net/legacy.c), run in the test's
namespace of this library's host (192.0.2.1).

    nmbd_peer.py LEGACY_TOOL host-announcement NAME
        writes a browser HostAnnouncement ([MS-BRWS] 2.2.1) for NAME to
        stdout: the message nmbd_test.sh writes, through the library, to
        \\\\WORKGROUP\\mailslot\\browse.
    nmbd_peer.py LEGACY_TOOL announcement-request NAME
        writes an AnnouncementRequest ([MS-BRWS] 2.2.2) answered to NAME to
        stdout: the message nmbd_test.sh writes, through the library, to
        \\\\WORKGROUP\\mailslot\\browse.
    nmbd_peer.py LEGACY_TOOL check PEER HEX
        decodes HEX, the data of a browser announcement as a reader of
        \\.\mailslot\browse received it, and checks that it is PEER's
        HostAnnouncement or LocalMasterAnnouncement ([MS-BRWS] 2.2.1, 2.2.6).
    nmbd_peer.py LEGACY_TOOL resolve NAME SECONDS
        broadcasts a NetBIOS name query for NAME<00> on UDP 137 and prints
        the address of the first answer legacy_tool takes.
"""
import socket
import struct
import subprocess
import sys
import time

BROADCAST = "192.0.2.255"
HOST_ANNOUNCEMENT, ANNOUNCEMENT_REQUEST, LOCAL_MASTER_ANNOUNCEMENT = 1, 2, 15




def received(s, seconds):
    """What socket s receives, (bytes, address) each, for up to seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            yield s.recvfrom(2048)
        except socket.timeout:
            return


def host_announcement(name):
    # Opcode, update count, periodicity (ms), server name (16 bytes), OS
    # version 6.1, server type workstation|server|NT workstation (0x1003),
    # browser version 15.1, signature 0xAA55, comment.
    data = struct.pack("<BBI16sBBIBBH", HOST_ANNOUNCEMENT, 0, 720000,
                       name.upper().encode().ljust(16, b"\0"), 6, 1, 0x00001003, 15, 1, 0xAA55)
    sys.stdout.buffer.write(data + b"mailslot library\0")
    sys.stdout.buffer.flush()
    return 0


def announcement_request(name):
    # Opcode, flags, the name to answer to.
    sys.stdout.buffer.write(struct.pack("<BB", ANNOUNCEMENT_REQUEST, 0) + name.upper().encode() + b"\0")
    sys.stdout.buffer.flush()
    return 0


def check(peer, hexdata):
    # Opcode, update count, periodicity (ms), server name (16 bytes), OS
    # version, server type, browser version, signature, comment.
    data = bytes.fromhex(hexdata)
    opcode, _, periodicity, name = struct.unpack_from("<BBI16s", data)
    name = name.split(b"\0")[0].decode("ascii", "replace")
    print("nmbd_peer: announcement opcode %d from %s, periodicity %d ms, comment %r"
          % (opcode, name, periodicity, data[32:].split(b"\0")[0]))
    if opcode in (HOST_ANNOUNCEMENT, LOCAL_MASTER_ANNOUNCEMENT) and name == peer.upper():
        print("nmbd_peer: %s announced itself" % name)
        return 0
    return 1


def resolve(tool, name, seconds):
    query = subprocess.run([tool, "query", name], stdout=subprocess.PIPE, check=True).stdout
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(("192.0.2.1", 0))
    s.sendto(query, (BROADCAST, 137))
    for packet, addr in received(s, seconds):
        run = subprocess.run([tool, "answer", name], input=packet, stdout=subprocess.PIPE)
        if run.returncode == 0:
            print("nmbd_peer: %s<00> is at %s (answered by %s)"
                  % (name.upper(), run.stdout.decode().strip(), addr[0]))
            return 0
    print("nmbd_peer: no answer for %s<00> within %s s" % (name.upper(), seconds))
    return 1


def main():
    if len(sys.argv) == 4 and sys.argv[2] == "host-announcement":
        return host_announcement(sys.argv[3])
    if len(sys.argv) == 5 and sys.argv[2] == "resolve":
        return resolve(sys.argv[1], sys.argv[3], float(sys.argv[4]))
    if len(sys.argv) == 4 and sys.argv[2] == "announcement-request":
        return announcement_request(sys.argv[3])
    if len(sys.argv) == 5 and sys.argv[2] == "check":
        return check(sys.argv[3], sys.argv[4])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
