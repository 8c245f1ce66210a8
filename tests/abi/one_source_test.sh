#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# one_source_test.sh -- abi/constants.txt is the one source of every counter
# and reported option: adding one takes that row and its implementation, and
# every consumer (the Python package, the CLI, the Lua and C# bindings, the
# forwarder) follows or a check fails naming it.
#
#   one_source_test.sh tree SRC BUILD PYTHON CMAKE CC
#     The build at hand: every counter, setting and query value of the table
#     reaches every consumer (one_source_check.py).
#   one_source_test.sh scratch SRC WORK PYTHON CMAKE CC
#     A copy of the source tree with one more counter, MAILSLOT_STAT_TEST_EXTRA
#     (the table's row and the header's #define, as the ABI rules want both):
#     the committed tables are then stale (abi_generated's check says so)
#     until the generator writes them; the library does not compile until
#     the forwarder says where it counts the counter; with that line, a build
#     of the copy has the counter in every consumer, asked of a live reader.
set -euo pipefail

mode=$1 src=$2 dir=$3 python=$4 cmake=$5 cc=$6
# shellcheck source=../lib/strict.sh
. "$src/tests/lib/strict.sh"

fail() {
    echo "FAIL: $*"
    exit 1
}

need_tools() {
    local t
    for t in "$python" lua5.4 mcs mono swig; do
        command -v "$t" >/dev/null 2>&1 || exit "$(ms_cannot_run "no $t: every consumer must be checked")"
    done
}

# check BUILD SOURCE [ARGS...]: one_source_check.py against the build BUILD of
# the tree SOURCE.
check() {
    local build=$1 source=$2
    shift 2
    [ -d "$build/bindings/swig/lua" ] || fail "$build has no Lua module (MAILSLOT_BUILD_LUA)"
    [ -f "$build/bindings/swig/csharp/Mailslot.dll" ] || fail "$build has no Mailslot.dll (MAILSLOT_BUILD_CSHARP)"
    MAILSLOT_NETWORK=0 "$python" "$src/tests/abi/one_source_check.py" --table "$source/abi/constants.txt" \
        --package-src "$source/bindings/python/src" --library "$build/libmailslot.so.1" \
        --cli "$build/src/cli/mailslot" --lua lua5.4 --lua-cpath "$build/bindings/swig/lua" \
        --mcs mcs --mono mono --csharp-dir "$build/bindings/swig/csharp" --work "$build" "$@"
}

need_tools
if [ "$mode" = tree ]; then
    check "$dir" "$src"
    exit 0
fi
[ "$mode" = scratch ] || fail "mode is tree or scratch, not $mode"

copy=$dir/one_source/src
build=$dir/one_source/build
rm -rf "$dir/one_source"
mkdir -p "$copy"
# The tree without its builds and version control.
tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$copy" -xf -

# The one edit and the header's line, with the next free counter number.
extra=$(awk '$1 ~ /^MAILSLOT_STAT_/ && $2 > n { n = $2 } END { print n + 1 }' "$src/abi/constants.txt")
printf 'MAILSLOT_STAT_TEST_EXTRA             %-12s int      dropped     # a counter added by tests/abi/one_source_test.sh\n' \
    "$extra" >>"$copy/abi/constants.txt"
sed -i "s|^#endif /\\* MAILSLOT_H \\*/|#define MAILSLOT_STAT_TEST_EXTRA $extra\\n&|" "$copy/abi/mailslot.h"
grep -q "^#define MAILSLOT_STAT_TEST_EXTRA $extra\$" "$copy/abi/mailslot.h" || fail "cannot add the #define to the copy's header"
"$cmake" -DMODE=listed -DTABLE="$copy/abi/constants.txt" -DHEADER="$copy/abi/mailslot.h" \
    -P "$src/tests/abi/check_constants.cmake" || fail "the copy's header and table disagree"

# The tables kept in the source tree are stale now: abi_generated says which.
if out=$("$cmake" -DGENERATE=in-tree -DCHECK=ON -DTABLE="$copy/abi/constants.txt" -DROOT="$copy" \
    -P "$copy/cmake/constants.cmake" 2>&1); then
    fail "abi_generated's check passes with a counter the committed tables lack"
fi
# (lua_tables.lua holds the settings only: a counter leaves it as it is.)
# CMake wraps its messages by width, so long paths move the line breaks.
flat=$(tr -s '[:space:]' ' ' <<<"$out")
grep -q 'gives: bindings/python/src/mailslot/_constants.py (see above)' <<<"$flat" ||
    fail "the check does not name _constants.py alone: $out"
echo "stale tables: $(grep -o 'gives: bindings[^(]*' <<<"$flat")"
# What `cmake --build <dir> --target constants` does.
"$cmake" -DGENERATE=in-tree -DTABLE="$copy/abi/constants.txt" -DROOT="$copy" -P "$copy/cmake/constants.cmake"
grep -q '"test_extra"' "$copy/bindings/python/src/mailslot/_constants.py" || fail "_constants.py lacks test_extra"

"$cmake" -S "$copy" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug -DMAILSLOT_WERROR=ON \
    -DMAILSLOT_BUILD_TESTS=OFF -DMAILSLOT_BUILD_EXAMPLES=OFF -DMAILSLOT_BUILD_BENCH=OFF \
    -DMAILSLOT_BUILD_PYTHON=OFF >"$dir/one_source/configure.log" 2>&1 ||
    fail "cannot configure the copy: $(tail -20 "$dir/one_source/configure.log")"

# The forwarder has no line for the counter: the library does not compile.
if "$cmake" --build "$build" --target mailslot -j2 >"$dir/one_source/forwarder.log" 2>&1; then
    fail "the library compiles although src/net/forward.c does not say where the forwarder counts test_extra"
fi
grep -q "FWD_TEST_EXTRA" "$dir/one_source/forwarder.log" ||
    fail "the build failed without naming FWD_TEST_EXTRA: $(grep -m5 error "$dir/one_source/forwarder.log")"
echo "forwarder: $(grep -m1 -o "[^ ]*FWD_TEST_EXTRA[^;]*" "$dir/one_source/forwarder.log")"

# The forwarder's line (the implementation, with the row): it does not count it.
sed -i 's|^#define FWD_AUTH_UNVERIFIED .*|&\n#define FWD_TEST_EXTRA NOT_COUNTED|' "$copy/src/net/forward.c"
"$cmake" --build "$build" -j2 --target mailslot mailslot_cli mailslot_lua mailslot_csharp_assembly \
    >"$dir/one_source/build.log" 2>&1 || fail "cannot build the copy: $(grep -m10 -i error "$dir/one_source/build.log")"

check "$build" "$copy" --expect test_extra
