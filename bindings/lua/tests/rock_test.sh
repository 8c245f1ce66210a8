#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rock_test.sh -- the LuaRocks rockspec (bindings/lua/mailslot-*.rockspec).
#
#   rock_test.sh version SOURCE_DIR
#       There is one rockspec, and its file name and `version` are
#       abi/mailslot.h's MAJOR.MINOR.PATCH (revision -N), its source tag vX.Y.Z.
#   rock_test.sh make SOURCE_DIR BUILD_DIR CMAKE
#       What a Lua user does: libmailslot installed (here `cmake --install
#       BUILD_DIR` into a scratch prefix), then `luarocks --lua-version 5.4
#       make` into a scratch tree (--tree) from a copy of the files the
#       rockspec reads (so the source tree stays clean, and a file it reads
#       but was not listed here fails); then lua5.4 with that tree's path
#       loads the module from the tree and a message goes through.
#       Without luarocks, swig, lua5.4 or gcc it skips (77), and fails in CI
#       and as root (tests/lib/strict.sh).
set -uo pipefail
mode=${1:?usage: rock_test.sh version SOURCE_DIR | make SOURCE_DIR BUILD_DIR CMAKE}
src=${2:?SOURCE_DIR}
# shellcheck source=../../../tests/lib/strict.sh
. "$src/tests/lib/strict.sh"

fail() {
    echo "FAIL: $*"
    exit 1
}

header_version() {
    local part v=""
    for part in MAJOR MINOR PATCH; do
        v+="${v:+.}$(sed -n "s/^#define MAILSLOT_VERSION_$part \([0-9]*\)$/\1/p" "$src/abi/mailslot.h")"
    done
    echo "$v"
}

rockspecs=("$src"/bindings/lua/mailslot-*.rockspec)
[ ${#rockspecs[@]} -eq 1 ] && [ -f "${rockspecs[0]}" ] || fail "expected one bindings/lua/mailslot-*.rockspec, found: ${rockspecs[*]}"
rockspec=${rockspecs[0]}

if [ "$mode" = version ]; then
    want=$(header_version)
    [[ "$want" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "no MAJOR.MINOR.PATCH in abi/mailslot.h ($want)"
    name=$(basename "$rockspec")
    [[ "$name" =~ ^mailslot-${want//./\\.}-[0-9]+\.rockspec$ ]] || fail "$name is not mailslot-$want-N.rockspec"
    grep -qE "^version = \"${want//./\\.}-[0-9]+\"$" "$rockspec" || fail "$name: version is not \"$want-N\""
    [ "$(sed -n 's/^version = "\(.*\)"$/\1/p' "$rockspec").rockspec" = "${name#mailslot-}" ] ||
        fail "$name: the file name and version = differ"
    grep -qE "^   tag = \"v${want//./\\.}\",$" "$rockspec" || fail "$name: source tag is not v$want"
    echo "PASS: $name matches abi/mailslot.h ($want)"
    exit 0
fi

[ "$mode" = make ] || fail "unknown mode $mode"
build=${3:?BUILD_DIR}
cmake=${4:?CMAKE}
for tool in luarocks swig lua5.4 gcc; do
    if ! command -v "$tool" >/dev/null; then
        rc=0
        ms_cannot_run "$tool not found (apt-get install luarocks swig lua5.4 liblua5.4-dev gcc)" || rc=$?
        exit "$rc"
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-rock.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$src/bindings/lua/rock_make.sh" "$src" "$build" "$cmake" "$tmp" --tree "$tmp/tree" >"$tmp/make.log" 2>&1 ||
    fail "rock_make.sh (cmake --install, luarocks make): $(tail -20 "$tmp/make.log")"
grep -q "is now installed in $tmp/tree" "$tmp/make.log" || fail "luarocks make did not install: $(tail -5 "$tmp/make.log")"
libdir=$(dirname "$(find "$tmp/prefix" -name 'libmailslot.so.1' | head -n 1)")
export HOME=$tmp/home # luarocks' own configuration and cache, as for the make

eval "$(luarocks --lua-version 5.4 --tree "$tmp/tree" path)"
cat >"$tmp/round_trip.lua" <<'EOF'
local tree, want, name = ...
local mailslot = require "mailslot"
local from = package.searchpath("mailslot", package.cpath)
assert(from:sub(1, #tree + 1) == tree .. "/", "mailslot loaded from " .. from .. ", not the rock tree")
assert(mailslot.version_string() == want, "library " .. mailslot.version_string() .. ", header " .. want)
local reader <close> = mailslot.Reader(name)
local writer <close> = mailslot.Writer(name)
writer:write("from the rock")
local got = reader:read(30000)
assert(got == "from the rock", "read " .. tostring(got))
print("module " .. from .. ", library " .. mailslot.version_string() .. ": " .. got)
EOF
out=$(LD_LIBRARY_PATH=$libdir lua5.4 "$tmp/round_trip.lua" "$tmp/tree" "$(header_version)" "rocktest_$$_1" 2>&1) ||
    fail "lua5.4: $out"
echo "$out"
echo "PASS: luarocks make $(basename "$rockspec") into a tree; require \"mailslot\" and a round trip work"
