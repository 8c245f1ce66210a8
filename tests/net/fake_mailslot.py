#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_mailslot.py -- a stand-in for the `mailslot` tool that follows the CLI
contract the network tests are written against, so that `netns_test.sh
--selftest` can run every case before (and independently of) the C
implementation. It is a test double for the harness, not a reference: it is
simple where the library is careful (no queue limits, no authentication), and
it sleeps where the library would wait on events.

  fake_mailslot.py listen NAME [--count N] [--timeout MS] [--hex]
  fake_mailslot.py send NAME [MESSAGE...]
  fake_mailslot.py forward

Local readers own an abstract AF_UNIX datagram socket named after the path (so
readers are per network namespace, as the library's are). The host forwarder
is whichever process binds the UDP port: a `forward` daemon or a reader's
thread; the others retry every 50 ms.
"""

import argparse
import fcntl
import os
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netpkt  # noqa: E402

PORT = int(os.environ.get("MAILSLOT_PORT", "17317"))
DOMAINS = [d.strip().lower() for d in os.environ.get("MAILSLOT_DOMAIN", "workgroup").split(",")
           if d.strip()]
NETWORK = os.environ.get("MAILSLOT_NETWORK", "1") != "0"


def die(msg, code=1):
    print("mailslot: " + msg, file=sys.stderr)
    sys.exit(code)


def parse_name(name):
    """(host, path): host '.' for local names."""
    n = name.replace("/", "\\")
    if n.startswith("\\\\"):
        parts = n[2:].split("\\")
        if len(parts) < 3 or parts[1].lower() != "mailslot":
            die("invalid mailslot name: %s" % name)
        host, path = parts[0].lower(), "\\".join(parts[2:])
    else:
        host, path = ".", n
    path = path.lower()
    if not netpkt.path_ok(path.encode()):
        die("invalid mailslot name: %s" % name)
    return host, path


def unix_addr(path):
    return b"\0fake-mailslot/" + path.encode()


def interfaces():
    """[(name, index, ipv4 address)] of the non-loopback interfaces that have one."""
    out = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for index, name in socket.if_nameindex():
        if name == "lo":
            continue
        try:
            req = struct.pack("256s", name.encode()[:15])
            addr = socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915, req)[20:24])  # SIOCGIFADDR
        except OSError:
            continue
        out.append((name, index, addr))
    s.close()
    return out


def my_names():
    h = socket.gethostname().lower()
    return {h, h.split(".")[0]} | {a for _n, _i, a in interfaces()}


# ---- the forwarder ---------------------------------------------------------------

class Forwarder:
    NAMES = ("datagrams", "forwarded", "malformed", "unknown version", "not for this host",
             "no reader", "duplicate", "failed")

    def __init__(self):
        self.stats = dict.fromkeys(self.NAMES, 0)
        self.sock = None

    def try_bind(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("", PORT))
        except OSError:
            s.close()
            return False
        for group in ["*"] + DOMAINS:
            for _n, index, _a in interfaces():
                mreqn = socket.inet_aton(netpkt.domain_group(group)) + socket.inet_aton(
                    "0.0.0.0") + struct.pack("i", index)
                try:
                    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
                except OSError as e:
                    if e.errno != 98:  # EADDRINUSE: two domains share a group
                        raise
        self.sock = s
        return True

    def serve(self):
        out = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        names = my_names()
        while True:
            d = self.sock.recv(65536)
            self.stats["datagrams"] += 1
            c = netpkt.classify(d)
            if c == "malformed":
                self.stats["malformed"] += 1
                continue
            if c == "unknown_version":
                self.stats["unknown version"] += 1
                continue
            _, kind, target, path, _payload = c
            if (kind == 1 and target not in DOMAINS) or (kind == 2 and target not in names):
                self.stats["not for this host"] += 1
                continue
            try:
                out.sendto(b"P" + d, unix_addr(path.decode()))
                self.stats["forwarded"] += 1
            except (ConnectionRefusedError, FileNotFoundError):
                self.stats["no reader"] += 1
            except OSError:
                self.stats["failed"] += 1

    def line(self):
        return "forwarder: " + ", ".join("%s %d" % (k, v) for k, v in self.stats.items())


def embedded_forwarder():
    """A reader's forwarder thread: binds now if it can, else retries."""
    f = Forwarder()

    def run():
        while not f.sock and not f.try_bind():
            time.sleep(0.05)
        f.serve()

    if NETWORK:
        f.try_bind()
        threading.Thread(target=run, daemon=True).start()


def cmd_forward(_a):
    f = Forwarder()

    def stop(_sig, _frame):
        print(f.line(), flush=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not f.try_bind():
        print("waiting: udp port %d is held by another process" % PORT, flush=True)
        while not f.try_bind():
            time.sleep(0.05)
    print("forwarding udp port %d" % PORT, flush=True)
    f.serve()


# ---- readers and writers ------------------------------------------------------------

def cmd_listen(a):
    host, path = parse_name(a.name)
    if host != ".":
        die("invalid mailslot name: %s" % a.name)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.bind(unix_addr(path))
    except OSError:
        die("a reader already owns \\\\.\\mailslot\\%s on this host" % path)
    embedded_forwarder()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    seen, got = set(), 0
    s.settimeout(None if a.timeout is None else a.timeout / 1000)
    while a.count is None or got < a.count:
        try:
            d = s.recv(70000)
        except socket.timeout:
            if a.count is None:
                return 0
            die("timed out after %d of %d messages" % (got, a.count))
        if d[:1] == b"P":
            c = netpkt.classify(d[1:])
            key = d[1 + 12:1 + 24]
            if not isinstance(c, tuple) or key in seen:
                continue
            seen.add(key)
            msg = c[4]
        else:
            msg = d[1:]
        print(msg.hex() if a.hex else msg.decode("utf-8", "backslashreplace"), flush=True)
        got += 1
    return 0


def cmd_send(a):
    host, path = parse_name(a.name)
    msgs = [m.encode() for m in a.message]
    if host == ".":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        for m in msgs:
            try:
                s.sendto(b"L" + m, unix_addr(path))
            except (ConnectionRefusedError, FileNotFoundError):
                die("no reader owns \\\\.\\mailslot\\%s" % path)
        return 0
    big = [m for m in msgs if len(m) > netpkt.MAX_PAYLOAD]
    if big:
        # The tool's line: the library's detail alone (tests/net case too_big).
        die("a message of %d bytes exceeds the limit of %d for \\\\%s\\mailslot\\%s"
            % (len(big[0]), netpkt.MAX_PAYLOAD, host, path))
    if not NETWORK:
        die("network is disabled")
    s = netpkt.udp_sender()
    sender = os.urandom(8)
    if host == "*":
        dests, kind, target = [netpkt.ALL_HOSTS_GROUP], 0, ""
    else:
        try:
            dests = sorted({ai[4][0] for ai in socket.getaddrinfo(host, PORT, socket.AF_INET,
                                                                   socket.SOCK_DGRAM)})
            kind, target = 2, host
        except socket.gaierror:
            dests, kind, target = [netpkt.domain_group(host)], 1, host
    for seq, m in enumerate(msgs):
        d = netpkt.encode(path, m, kind=kind, target=target, sender=sender, seq=seq)
        for dest in dests:
            if dest.startswith("239."):
                for _n, index, _a in interfaces():
                    mreqn = socket.inet_aton("0.0.0.0") * 2 + struct.pack("i", index)
                    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
                    s.sendto(d, (dest, PORT))
            else:
                s.sendto(d, (dest, PORT))
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog="mailslot")
    sub = p.add_subparsers(dest="cmd", required=True)
    li = sub.add_parser("listen")
    li.add_argument("name")
    li.add_argument("--count", type=int)
    li.add_argument("--timeout", type=int)
    li.add_argument("--hex", action="store_true")
    li.set_defaults(fn=cmd_listen)
    se = sub.add_parser("send")
    se.add_argument("name")
    se.add_argument("message", nargs="*")
    se.set_defaults(fn=cmd_send)
    sub.add_parser("forward").set_defaults(fn=cmd_forward)
    a = p.parse_args(argv)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
