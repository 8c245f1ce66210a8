#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tshark_test.sh LEGACY_TOOL -- runs tshark_test.py when tshark is there; in
# CI and as root a missing tshark fails (tests/lib/strict.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/strict.sh"
if ! command -v tshark >/dev/null; then
    ms_cannot_run "tshark not found (apt-get install tshark)" || exit $?
fi
exec python3 "$here/tshark_test.py" "$1"
