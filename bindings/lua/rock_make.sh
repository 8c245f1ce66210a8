#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rock_make.sh SOURCE_DIR BUILD_DIR CMAKE SCRATCH [OPTION...] -- what a Lua
# user does with the rockspec, in SCRATCH (which it fills): libmailslot of
# BUILD_DIR installed (cmake --install) into SCRATCH/prefix; the files the
# rockspec's build command reads (the common interface, bindings/swig with
# the per-language file and the shim, the rockspec) copied from SOURCE_DIR
# into SCRATCH/src, so the source tree stays clean and a file the build reads
# but is not listed here fails; then `luarocks --lua-version 5.4 make
# OPTION... ROCKSPEC` run in SCRATCH/src against that prefix, with
# luarocks' cache and configuration in SCRATCH/home. OPTION is, for example,
# `--tree DIR` (install into DIR) or `--pack-binary-rock` (the .rock is left
# in SCRATCH/src). Used by scripts/package and bindings/lua/tests/rock_test.sh.
set -euo pipefail
src=${1:?usage: rock_make.sh SOURCE_DIR BUILD_DIR CMAKE SCRATCH [OPTION...]}
build=${2:?BUILD_DIR}
cmake=${3:?CMAKE}
scratch=${4:?SCRATCH}
shift 4
rockspecs=("$src"/bindings/lua/mailslot-*.rockspec)
[ ${#rockspecs[@]} -eq 1 ] && [ -f "${rockspecs[0]}" ] ||
    { echo "rock_make: expected one bindings/lua/mailslot-*.rockspec, found: ${rockspecs[*]}" >&2; exit 1; }
rockspec=$(basename "${rockspecs[0]}")

"$cmake" --install "$build" --prefix "$scratch/prefix"
lib=$(find "$scratch/prefix" -name 'libmailslot.so.1' | head -n 1)
[ -n "$lib" ] || { echo "rock_make: no libmailslot.so.1 under $scratch/prefix" >&2; exit 1; }

mkdir -p "$scratch/src/bindings/lua" "$scratch/home"
cp "$src/bindings/mailslot.i" "$scratch/src/bindings/"
cp -r "$src/bindings/swig" "$scratch/src/bindings/"
cp "$src/bindings/lua/$rockspec" "$scratch/src/bindings/lua/"
cd "$scratch/src"
HOME=$scratch/home luarocks --lua-version 5.4 make "$@" "bindings/lua/$rockspec" \
    MAILSLOT_DIR="$scratch/prefix" MAILSLOT_LIBDIR="$(dirname "$lib")"
