#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# abi_check.sh -- the libabigail side of the ABI checks (abi/README.md).
#
#   abi_check.sh dump LIBRARY HEADERS_DIR SOURCE_DIR OUT
#       Writes the ABI of LIBRARY, restricted to the types of the public
#       header(s) in HEADERS_DIR, to OUT (abi/libmailslot.abi: releases only;
#       `cmake --build --preset default --target abi_baseline` runs this).
#   abi_check.sh check BASELINE LIBRARY HEADERS_DIR [ADDED...]
#       Fails unless LIBRARY has debug info describing every exported
#       function, and abidiff finds no change from BASELINE but additions.
#       Each ADDED (name@@VERSION) must be reported as an added function;
#       with ADDED given, nothing else may be added. BASELINE is an abidw
#       file (abi/libmailslot.abi), or a built library whose public headers
#       are in $BASELINE_HEADERS (the 1.2 dry run compares with this build).
#
# abidiff's exit status is a bit set: 1 error, 2 usage error, 4 an ABI change
# of any kind (an added function too), 8 an incompatible change -- which
# libabigail sets only for removed symbols: a changed signature sets 4
# alone. So the gate is "exit status 0 once added functions are filtered out
# (--no-added-syms)", never "bit 8 clear".
set -euo pipefail

for tool in abidw abidiff readelf; do
    command -v "$tool" >/dev/null || { echo "abi_check: $tool not found (apt-get install abigail-tools binutils)"; exit 1; }
done

# The one set of abidw options, for the baseline and for the fresh build.
abidw_public() { # LIBRARY HEADERS_DIR
    abidw --headers-dir "$2" --drop-private-types --drop-undefined-syms \
        --no-show-locs --no-comp-dir-path --no-corpus-path --type-id-style hash "$1"
}

# A library without DWARF compares as unchanged whatever its functions take:
# refuse it, and refuse one whose DWARF lacks an exported function.
require_debug_info() { # LIBRARY HEADERS_DIR
    # Not `readelf | grep -q`: with pipefail, grep leaving at the first match
    # can kill readelf with SIGPIPE and fail the pipeline (seen in CI).
    local sections
    sections=$(readelf -S --wide "$1")
    if ! grep -q '\.debug_info' <<<"$sections"; then
        echo "abi_check: FAIL $1 has no debug info (.debug_info): the ABI cannot be compared."
        echo "  The library is built with -g in every build type (CMakeLists.txt); do not strip it before this test."
        exit 1
    fi
    local xml exported described
    xml=$(abidw_public "$1" "$2")
    exported=$(grep -c "<elf-symbol name='mailslot_" <<<"$xml" || true)
    described=$(grep -c "<function-decl name='mailslot_[^']*' .*elf-symbol-id=" <<<"$xml" || true)
    if [ "$exported" = 0 ] || [ "$exported" != "$described" ]; then
        echo "abi_check: FAIL $1 exports $exported functions, its debug info describes $described"
        exit 1
    fi
}

case "${1:-}" in
dump)
    lib=$2 headers=$3 src=$4 out=$5
    require_debug_info "$lib" "$headers"
    # The paths of the compilation units, relative to the source tree, so
    # that the baseline does not depend on where it was built.
    abidw_public "$lib" "$headers" | sed "s|path='${src%/}/|path='|g" >"$out.tmp"
    mv "$out.tmp" "$out"
    echo "abi_check: wrote $out from $lib ($(grep -c "<elf-symbol name=" "$out") functions)"
    ;;
check)
    baseline=$2 lib=$3 headers=$4
    shift 4
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    [ -f "$baseline" ] || { echo "abi_check: FAIL no baseline $baseline"; exit 1; }
    require_debug_info "$lib" "$headers"
    from=()
    if [ -n "${BASELINE_HEADERS:-}" ]; then
        require_debug_info "$baseline" "$BASELINE_HEADERS"
        from=(--headers-dir1 "$BASELINE_HEADERS")
    fi
    # The gate: no change at all once additions are filtered out.
    rc=0
    abidiff "${from[@]}" --headers-dir2 "$headers" --drop-private-types --no-added-syms \
        "$baseline" "$lib" >"$tmp/gate.txt" 2>&1 || rc=$?
    cat "$tmp/gate.txt"
    if [ "$rc" != 0 ]; then
        why=""
        ((rc & 1)) && why+=" error;"
        ((rc & 2)) && why+=" usage error;"
        ((rc & 4)) && why+=" ABI change;"
        ((rc & 8)) && why+=" incompatible change (removed symbol);"
        echo "abi_check: FAIL abidiff exit status $rc:$why $lib is not compatible with $baseline"
        echo "  (a change that is not an addition; abi/README.md says what a release may do)"
        exit 1
    fi
    # What was added, for the record (and for the dry run of the next minor).
    abidiff "${from[@]}" --headers-dir2 "$headers" --drop-private-types "$baseline" "$lib" \
        >"$tmp/full.txt" 2>&1 || true
    added=$(grep -E "^ *\[A\] " "$tmp/full.txt" || true)
    if [ -n "$added" ]; then
        echo "added since the baseline:"
        echo "$added"
    fi
    if [ $# -gt 0 ]; then
        for want in "$@"; do
            grep -qF "{$want}" <<<"$added" || { echo "abi_check: FAIL $want is not reported as added"; exit 1; }
        done
        n_added=$(grep -c . <<<"$added" || true)
        if [ "$n_added" != $# ]; then
            echo "abi_check: FAIL $n_added additions reported, $# expected"
            exit 1
        fi
    fi
    echo "abi_check: $lib keeps the ABI of $baseline"
    ;;
*)
    echo "usage: abi_check.sh dump LIBRARY HEADERS_DIR SOURCE_DIR OUT | check BASELINE LIBRARY HEADERS_DIR [ADDED...]" >&2
    exit 2
    ;;
esac
