#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""windows_writer.py -- sends remote-mailslot writes as a Windows host does:
a NetBIOS datagram (RFC 1002 section 4.4) on UDP port 138 carrying an SMB
TRANSACTION "write mailslot" ([MS-MAIL]), built here field by field from
the specifications (abi/PROTOCOL.md section 9.1 has the table), not by this
library's encoder. For tests/legacy/legacyrecv_test.sh.

    windows_writer.py --to IP [--from-ip IP] [--source NAME] [--dest NAME]
                      [--suffix HEX] [--type unique|group|broadcast]
                      [--mailslot NAME] [--id N] [--data TEXT]
                      [--mutate KIND] [--print]

sends one datagram to IP port 138 from an ephemeral port (--from-ip binds
that address). --mutate spoils it the ways a receiver must refuse:
  truncations   every cut of the good datagram, from 0 bytes to one short
                (one datagram each)
  wordcount     a word count of 16 instead of 17
  dataoffset    a data offset past the end of the datagram
  command       an SMB command other than TRANSACTION (0x25): 0x24
  fragment      the "more fragments" flag set
--print writes the datagram in hex to stdout instead of sending it.
"""
import argparse
import socket
import struct
import sys

TYPES = {"unique": 0x10, "group": 0x11, "broadcast": 0x12}
FIRST, M_NODE, MORE = 0x02, 0x08, 0x01


def netbios_name(text, suffix):
    """RFC 1001 section 14.1: 15 characters upper case, padded with spaces,
    the suffix byte; each byte as two letters 'A' + nibble; length 32 in
    front, the empty scope (0) after."""
    raw = text.upper().encode("ascii").ljust(15, b" ")[:15] + bytes([suffix])
    letters = bytes(c for b in raw for c in (0x41 + (b >> 4), 0x41 + (b & 0x0F)))
    return b"\x20" + letters + b"\x00"


def smb_write_mailslot(mailslot, data, command=0x25, word_count=17, data_offset=None):
    """The SMB part: header, the 17 words of a TRANSACTION request, the 3
    setup words of a write mailslot, the name and the data."""
    name = mailslot.encode("ascii") + b"\x00"
    header = b"\xffSMB" + bytes([command]) + bytes(27)
    offset = 32 + 1 + 2 * 17 + 2 + len(name)  # from the SMB header
    if data_offset is None:
        data_offset = offset
    words = struct.pack("<HHHHBBHIHHHHHBB", 0, len(data), 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        len(data), data_offset, 3, 0)
    setup = struct.pack("<HHH", 1, 1, 2)  # write mailslot, priority 1, class 2
    return (header + bytes([word_count]) + words + setup
            + struct.pack("<H", len(name) + len(data)) + name + data)


def datagram(args, smb):
    names = netbios_name(args.source, 0x00) + netbios_name(args.dest, args.suffix)
    flags = FIRST | M_NODE | (MORE if args.mutate == "fragment" else 0)
    head = struct.pack(">BBH4sHHH", TYPES[args.type], flags, args.id,
                       socket.inet_aton(args.from_ip or "192.0.2.99"), 138,
                       len(names) + len(smb), 0)
    return head + names + smb


def build(args):
    data = args.data.encode()
    kind = args.mutate
    smb = smb_write_mailslot(
        args.mailslot, data,
        command=0x24 if kind == "command" else 0x25,
        word_count=16 if kind == "wordcount" else 17,
        data_offset=0xFFF0 if kind == "dataoffset" else None)
    good = datagram(args, smb)
    if kind == "truncations":
        return [good[:n] for n in range(len(good))]
    return [good]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--to", required=True)
    p.add_argument("--from-ip")
    p.add_argument("--source", default="WINHOST")
    p.add_argument("--dest", default="WORKGROUP")
    p.add_argument("--suffix", default="00", type=lambda s: int(s, 16))
    p.add_argument("--type", default="group", choices=sorted(TYPES))
    p.add_argument("--mailslot", default="\\MAILSLOT\\logger")
    p.add_argument("--id", default=0x4D53, type=int)
    p.add_argument("--data", default="")
    p.add_argument("--mutate", choices=["truncations", "wordcount", "dataoffset", "command",
                                        "fragment"])
    p.add_argument("--print", action="store_true")
    args = p.parse_args()
    out = build(args)
    if args.print:
        for d in out:
            print(d.hex())
        return 0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind((args.from_ip or "", 0))
    for d in out:
        s.sendto(d, (args.to, 138))
    print("windows_writer: sent %d datagram%s to %s" % (len(out), "" if len(out) == 1 else "s",
                                                       args.to))
    return 0


if __name__ == "__main__":
    sys.exit(main())
