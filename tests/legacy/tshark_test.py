#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tshark_test.py -- Wireshark's dissector, a decoder nobody here wrote,
reads the Windows remote-mailslot datagrams this library encodes: message
type, both NetBIOS names with their suffixes, the SMB transaction, the
mailslot name, opcode 1, class 2 and the exact data bytes.

    tshark_test.py LEGACY_TOOL

LEGACY_TOOL is legacy_tool.c, whose encode command writes a datagram;
tshark_test.sh checks that tshark is there first. The
datagram is put in a capture file (Ethernet, IPv4 192.0.2.1 -> 192.0.2.255,
UDP 138 -> 138) that tshark reads; nothing is sent anywhere."""
import os
import struct
import subprocess
import sys
import tempfile

FIELDS = ["nbdgm.type", "nbdgm.first", "nbdgm.next", "nbdgm.source_name",
          "nbdgm.destination_name", "smb.cmd", "smb.wct", "smb.tdc", "smb.dc",
          "smb.trans_name", "mailslot.opcode", "mailslot.class", "data.data"]


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(payload):
    udp = struct.pack("!HHHH", 138, 138, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 255]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + udp


def pcap(frames):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f
    return out


def decode(dump, args):
    datagram = subprocess.run([dump, "encode"] + args, check=True, stdout=subprocess.PIPE).stdout
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "legacy.pcap")
        with open(path, "wb") as f:
            f.write(pcap([frame(datagram)]))
        cmd = ["tshark", "-r", path, "-o", "gui.column.format:\"No\",\"%m\"",
               "-T", "fields", "-E", "separator=|"]
        for name in FIELDS:
            cmd += ["-e", name]
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
    if run.returncode != 0:
        raise SystemExit("tshark failed: " + run.stderr)
    line = run.stdout.strip()
    print("tshark: " + line)
    return dict(zip(FIELDS, line.split("|")))


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    failures = 0
    data = "log line: disk 93% full"
    got = decode(sys.argv[1], ["sender", "workgroup", "00", "\\MAILSLOT\\logger", data])
    want = {
        "nbdgm.type": "17",  # 0x11, direct group
        "nbdgm.first": "1",
        "nbdgm.next": "0",
        "nbdgm.source_name": "SENDER<00>",
        "nbdgm.destination_name": "WORKGROUP<00>",
        "smb.cmd": "0x25",  # TRANSACTION
        "smb.wct": "17",
        "smb.tdc": str(len(data)),
        "smb.dc": str(len(data)),
        "smb.trans_name": "\\MAILSLOT\\logger",
        "mailslot.opcode": "1",
        "mailslot.class": "2",
        "data.data": data.encode().hex(),
    }
    for key, value in want.items():
        if got.get(key) != value:
            print("FAIL %s: tshark says %r, want %r" % (key, got.get(key), value))
            failures += 1
    # A browser name suffix reads back as itself.
    got = decode(sys.argv[1], ["box", "workgroup", "1d", "\\MAILSLOT\\BROWSE", "\x01"])
    if got.get("nbdgm.destination_name") != "WORKGROUP<1d>":
        print("FAIL suffix 1D: tshark says %r" % got.get("nbdgm.destination_name"))
        failures += 1
    print("tshark_test: %d checks failed" % failures if failures else "tshark_test: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
