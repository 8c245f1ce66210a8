#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""nkey.py -- NATS user nkeys for the bridge tests, where no `nk` tool is
packaged: an ed25519 key pair (libsodium, by ctypes) from a random 32-byte
seed, written as NATS writes nkeys.

  nkey.py new SEEDFILE...   writes a new user's seed to each SEEDFILE (mode
                            0600) and prints its public key, a line each
  nkey.py public SEED       prints the public key of the user seed SEED
  nkey.py check             checks this encoding against published pairs,
                            as `new` does first

An nkey is base32 (RFC 4648, no padding) of its prefix, its key and the
CRC16 (XMODEM: polynomial 0x1021, initial value 0) of both, little-endian.
A user's public key has the prefix 20 << 3 ('U'), 32 bytes of ed25519
public key; its seed the two bytes of 18 << 3 ('S') and 20 << 3, packed
into 5-bit groups so that both letters show ("SU"), and the 32-byte seed.
Exit status 0, or 1 with a message (no libsodium, a malformed seed).
"""
import base64
import ctypes
import ctypes.util
import os
import sys

PREFIX_SEED = 18 << 3
PREFIX_USER = 20 << 3


def crc16(data):
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def encode(raw):
    raw += crc16(raw).to_bytes(2, "little")
    return base64.b32encode(raw).decode().rstrip("=")


def encode_public(key):
    return encode(bytes([PREFIX_USER]) + key)


def encode_seed(seed):
    return encode(bytes([PREFIX_SEED | PREFIX_USER >> 5, (PREFIX_USER & 31) << 3]) + seed)


def decode_seed(text):
    text = text.strip()
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError:
        raise SystemExit("nkey: not base32: %r" % text)
    if len(raw) != 36 or crc16(raw[:-2]) != int.from_bytes(raw[-2:], "little"):
        raise SystemExit("nkey: a bad length or checksum: %r" % text)
    if encode_seed(raw[2:34]) != text:
        raise SystemExit("nkey: not a user's seed: %r" % text)
    return raw[2:34]


def public_key(seed):
    name = ctypes.util.find_library("sodium")
    if not name:
        raise SystemExit("nkey: libsodium not found")
    sodium = ctypes.CDLL(name)
    if sodium.sodium_init() < 0:
        raise SystemExit("nkey: sodium_init failed")
    pk = ctypes.create_string_buffer(32)
    sk = ctypes.create_string_buffer(64)
    if sodium.crypto_sign_seed_keypair(pk, sk, seed) != 0:
        raise SystemExit("nkey: crypto_sign_seed_keypair failed")
    return encode_public(pk.raw)


# Seeds and the public keys nkeys derives from them: nkeys' README and the
# NKey tests of the NATS C client (libnats).
KNOWN = [("SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY",
          "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT"),
         ("SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY",
          "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4")]


def check():
    for seed, public in KNOWN:
        if public_key(decode_seed(seed)) != public:
            raise SystemExit("nkey: the seed %s gave %s, not %s"
                             % (seed, public_key(decode_seed(seed)), public))


def main(argv):
    if len(argv) >= 3 and argv[1] == "new":
        check()
        for path in argv[2:]:
            seed = os.urandom(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(encode_seed(seed) + "\n")
            print(public_key(seed))
    elif len(argv) == 3 and argv[1] == "public":
        print(public_key(decode_seed(argv[2])))
    elif len(argv) == 2 and argv[1] == "check":
        check()
    else:
        raise SystemExit(__doc__.split("\n\n")[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
