#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_debian_symbols.sh MAP SYMBOLS -- debian/libmailslot1.symbols lists
# exactly the functions of the version script abi/mailslot.map, each with
# its node and, as minimum version, the release that added the node
# (MAILSLOT_1.1 -> 1.1.0), plus one entry per node (MAILSLOT_1.1@MAILSLOT_1.1),
# as dpkg-gensymbols writes it. A function added to the map alone fails here
# (and the package build fails on the library itself: debian/rules sets
# DPKG_GENSYMBOLS_CHECK_LEVEL=4).
set -euo pipefail
map=${1:?usage: check_debian_symbols.sh MAP SYMBOLS}
symbols=${2:?usage: check_debian_symbols.sh MAP SYMBOLS}

# name@NODE version, one a line, from the map: its comments removed (they
# hold an example node), then each "global:" name under its node.
expected=$(perl -0777 -pe 's{/\*.*?\*/}{}gs' "$map" | awk '
    /^[ \t]*MAILSLOT_[0-9]+\.[0-9]+[ \t]*\{/ { node = $1; sub(/\{.*/, "", node); global = 0
        v = node; sub(/^MAILSLOT_/, "", v); version = v ".0"; print node "@" node, version; next }
    /global:/ { global = 1; next }
    /local:/ || /\}/ { global = 0; next }
    global && /[a-z_0-9]+;/ { gsub(/[ \t;]/, ""); print $0 "@" node, version }' | sort)
# The same from the symbols file: its symbol lines start with a space.
actual=$(awk '/^ / { print $1, $2 }' "$symbols" | sort)
[ -n "$expected" ] || { echo "no exported function found in $map"; exit 1; }
if [ "$expected" != "$actual" ]; then
    echo "$symbols does not match $map (< the map, > the symbols file):"
    diff <(echo "$expected") <(echo "$actual") | grep '^[<>]'
    exit 1
fi
echo "debian symbols: $(echo "$actual" | wc -l) entries match $map"
