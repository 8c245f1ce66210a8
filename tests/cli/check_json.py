# SPDX-License-Identifier: MIT
"""check_json.py FILE SLOT -- the output of `mailslot listen --json`: every
line of FILE is one JSON object {"slot", "len", "text" or "base64"} for SLOT,
with "text" exactly when the payload is valid UTF-8, and "len" its length.
Prints each payload as hex, one a line, for the shell test to compare."""
import base64
import json
import sys


def payload_of(obj):
    if "text" in obj:
        return obj["text"].encode("utf-8")
    return base64.b64decode(obj["base64"], validate=True)


def is_utf8(data):
    try:
        data.decode("utf-8")  # strict: no overlongs, no surrogates
        return True
    except UnicodeDecodeError:
        return False


def main(path, slot):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    assert lines[-1] == b"", "the output does not end with a newline"
    for raw in lines[:-1]:
        obj = json.loads(raw.decode("utf-8"))
        payload = payload_of(obj)
        key = "text" if is_utf8(payload) else "base64"
        assert sorted(obj) == sorted(["slot", "len", key]), raw
        assert obj["slot"] == slot, raw
        assert obj["len"] == len(payload), raw
        print(payload.hex())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
