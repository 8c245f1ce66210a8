#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""natspub.py -- a hostile NATS client for the bridge tests, written from the
NATS client protocol (INFO, CONNECT, PING/PONG, PUB, HPUB, SUB, MSG, HMSG), so
that a test can put on the broker what no bridge would: garbage, oversize
payloads, subjects with bad tokens, a captured datagram with a byte flipped.

  natspub.py pub SERVER SUBJECT HEX [--user U --password P] [--flip N] [--header K:V]
  natspub.py pubs SERVER - FILE [--user U --password P]
  natspub.py capture SERVER SUBJECT OUTFILE [--user U --password P]

pub publishes the bytes HEX (or '@FILE': the file's bytes) to SUBJECT, byte
N flipped (xor 0xff) with --flip, and waits for the server's PONG, so that the
server has taken it when this returns. pubs publishes, on one connection, a
message for each line of FILE: SUBJECT HEX [K:V] (a header). capture subscribes, prints
'subscribed' once the server has the subscription, and writes the payload of
the first message to OUTFILE. Exit status 0, or 1 with the server's -ERR.
"""
import argparse
import json
import socket
import sys


class Conn:
    def __init__(self, server, user, password):
        host, _, port = server.rpartition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=20)
        self.buf = b""
        line = self.line()
        if not line.startswith(b"INFO "):
            raise SystemExit("natspub: no INFO from the server: %r" % line)
        opts = {"verbose": False, "pedantic": False, "headers": True,
                "no_responders": False, "name": "natspub"}
        if user:
            opts["user"] = user
            opts["pass"] = password
        self.send(b"CONNECT " + json.dumps(opts).encode() + b"\r\n")
        self.ping()

    def send(self, data):
        self.sock.sendall(data)

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("natspub: the server closed the connection")
        self.buf += chunk

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def exact(self, n):
        while len(self.buf) < n + 2:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def ping(self):
        self.send(b"PING\r\n")
        while True:
            line = self.line()
            if line == b"PONG":
                return
            if line.startswith(b"-ERR"):
                print("natspub: server: %s" % line.decode(errors="replace"), file=sys.stderr)
                raise SystemExit(1)

    def next_msg(self):
        while True:
            line = self.line()
            words = line.split()
            if not words:
                continue
            if words[0] == b"PING":
                self.send(b"PONG\r\n")
            elif words[0] == b"MSG":
                return self.exact(int(words[-1]))
            elif words[0] == b"HMSG":
                hdr, total = int(words[-2]), int(words[-1])
                return self.exact(total)[hdr:]
            elif words[0] == b"-ERR":
                raise SystemExit("natspub: server: %s" % line.decode(errors="replace"))


def publish(c, subject, data, headers):
    if headers:
        hdr = b"NATS/1.0\r\n" + b"".join(
            h.replace(":", ": ", 1).encode() + b"\r\n" for h in headers) + b"\r\n"
        c.send(b"HPUB %s %d %d\r\n%s%s\r\n" % (subject, len(hdr), len(hdr) + len(data),
                                               hdr, data))
    else:
        c.send(b"PUB %s %d\r\n%s\r\n" % (subject, len(data), data))


def payload(text):
    if text.startswith("@"):
        with open(text[1:], "rb") as f:
            return f.read()
    return bytes.fromhex(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["pub", "pubs", "capture"])
    ap.add_argument("server")
    ap.add_argument("subject")
    ap.add_argument("arg")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--flip", type=int)
    ap.add_argument("--header", action="append", default=[])
    a = ap.parse_args()
    c = Conn(a.server, a.user, a.password)
    subject = a.subject.encode("utf-8", "surrogateescape")
    if a.cmd == "pub":
        data = bytearray(payload(a.arg))
        if a.flip is not None:
            data[a.flip] ^= 0xFF
        publish(c, subject, bytes(data), a.header)
        c.ping()
        return 0
    if a.cmd == "pubs":
        with open(a.arg) as f:
            for line in f:
                words = line.split()
                if words:
                    publish(c, words[0].encode("utf-8", "surrogateescape"),
                            payload(words[1]), words[2:])
        c.ping()
        return 0
    c.send(b"SUB %s 1\r\n" % subject)
    c.ping()
    print("subscribed", flush=True)
    data = c.next_msg()
    with open(a.arg, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
