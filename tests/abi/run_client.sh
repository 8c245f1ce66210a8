#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_client.sh RELEASE LIBRARY_DIR CLIENT -- runs the frozen client of
# RELEASE (tests/abi/RELEASE/client.c, linked against that release's stub)
# with the libmailslot.so.N in LIBRARY_DIR, after checking that the client
# asks for each function with the version of RELEASE's node, as a program
# linked with the released library does.
set -euo pipefail
release=$1 libdir=$2 client=$3
node="MAILSLOT_$release"
if command -v objdump >/dev/null; then
    refs=$(objdump -T "$client" | grep -E ' mailslot_[a-z0-9_]+$' || true)
    n=$(grep -c . <<<"$refs" || true)
    other=$(grep -v "($node)" <<<"$refs" || true)
    if [ "$n" = 0 ] || [ -n "$other" ]; then
        echo "run_client: FAIL $client should ask for every mailslot_ function as @$node:"
        echo "$refs"
        exit 1
    fi
    echo "run_client: $client asks for $n functions @$node"
fi
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$client"
