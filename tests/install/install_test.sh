#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install_test.sh cmake|pkgconfig BUILD_DIR SOURCE_DIR VERSION CC [SANITIZERS]
#
# Installs the build into a scratch prefix (cmake --install --prefix), checks
# the installed tree (the header as in abi/, libmailslot.so.VERSION with its
# SONAME and symlinks, the CMake package, mailslot.pc), then builds and runs
# tests/install/consumer against it:
#   cmake      with find_package(mailslot 1.0 CONFIG) -- and checks which
#              versions find_package accepts (SameMajorVersion: any 1.x)
#   pkgconfig  with CC and `pkg-config --cflags --libs mailslot`
# SANITIZERS (e.g. address,undefined): the consumer is built with them too,
# as the library was.
set -euo pipefail
mode=${1:?usage: install_test.sh cmake|pkgconfig BUILD_DIR SOURCE_DIR VERSION CC [SANITIZERS]}
build=${2:?} src=${3:?} version=${4:?} cc=${5:?} sanitize=${6:-}
major=${version%%.*}
consumer=$src/tests/install/consumer
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "install_test: FAIL $*"; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
# GNUInstallDirs: lib, or lib64 on some systems, for a prefix other than /usr.
libdir=""
for d in lib lib64; do
    [ -e "$prefix/$d/libmailslot.so" ] && { libdir=$d; break; }
done
[ -n "$libdir" ] || fail "no libmailslot.so under $prefix/lib*"
lib=$prefix/$libdir

# ---- the installed tree
cmp -s "$prefix/include/mailslot.h" "$src/abi/mailslot.h" || fail "include/mailslot.h is not abi/mailslot.h"
[ -f "$lib/libmailslot.so.$version" ] && [ ! -L "$lib/libmailslot.so.$version" ] ||
    fail "$libdir/libmailslot.so.$version is not a file"
[ "$(readlink "$lib/libmailslot.so.$major")" = "libmailslot.so.$version" ] ||
    fail "$libdir/libmailslot.so.$major does not link to libmailslot.so.$version"
[ "$(readlink "$lib/libmailslot.so")" = "libmailslot.so.$major" ] ||
    fail "$libdir/libmailslot.so does not link to libmailslot.so.$major"
soname=$(readelf -d "$lib/libmailslot.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libmailslot.so.$major" ] || fail "SONAME is '$soname', not libmailslot.so.$major"
for f in "$libdir/cmake/mailslot/mailslot-config.cmake" "$libdir/cmake/mailslot/mailslot-config-version.cmake" \
    "$libdir/pkgconfig/mailslot.pc" bin/mailslot share/man/man1/mailslot.1 share/man/man7/mailslot.7 \
    share/man/man3/mailslot.3 share/man/man3/mailslot_create.3 share/man/man3/mailslot_set_log_handler.3 \
    share/bash-completion/completions/mailslot; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
"$prefix/bin/mailslot" --version >/dev/null || fail "bin/mailslot --version"
echo "install_test: $prefix: include/mailslot.h, $libdir/libmailslot.so -> .so.$major -> .so.$version (SONAME $soname), cmake/mailslot, pkgconfig/mailslot.pc"

cflags=() ldflags=()
if [ -n "$sanitize" ]; then
    cflags=(-fsanitize="$sanitize")
    ldflags=(-fsanitize="$sanitize")
fi

case "$mode" in
cmake)
    cmake -S "$consumer" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_C_FLAGS="${cflags[*]}" -DCMAKE_EXE_LINKER_FLAGS="${ldflags[*]}" >"$tmp/configure.log" 2>&1 ||
        { cat "$tmp/configure.log"; fail "the find_package consumer does not configure"; }
    cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "the consumer does not build"; }
    LD_LIBRARY_PATH="$lib" "$tmp/build/consumer"
    # Which versions find_package accepts: SameMajorVersion.
    minor=${version#*.}
    minor=${minor%%.*}
    accept=("$major" "$major.0" "$major.$minor" "$version")
    refuse=("$((major + 1))" "$((major + 1)).0" "$major.$((minor + 1))")
    ((major > 0)) && refuse+=("$((major - 1)).9")
    probe() {
        cmake -S "$consumer/probe" -B "$tmp/probe-$1" -DCMAKE_PREFIX_PATH="$prefix" -DWANT="$1" >/dev/null 2>&1
    }
    for v in "${accept[@]}"; do probe "$v" || fail "find_package(mailslot $v CONFIG) does not accept $version"; done
    for v in "${refuse[@]}"; do ! probe "$v" || fail "find_package(mailslot $v CONFIG) accepts $version"; done
    echo "install_test: find_package(mailslot V CONFIG) accepts V = ${accept[*]}; refuses ${refuse[*]}"
    ;;
pkgconfig)
    # Only the prefix's .pc files: mailslot.pc must need no other (libsodium's).
    export PKG_CONFIG_LIBDIR="$lib/pkgconfig"
    have=$(pkg-config --modversion mailslot) || fail "pkg-config does not find mailslot"
    [ "$have" = "$version" ] || fail "pkg-config --modversion mailslot is $have, not $version"
    pkg-config --atleast-version="$major.0" mailslot || fail "pkg-config: not at least $major.0"
    text=$(pkg-config --cflags mailslot) || fail "pkg-config --cflags mailslot (no .pc but the prefix's)"
    read -r -a pc_cflags <<<"$text"
    text=$(pkg-config --libs mailslot) || fail "pkg-config --libs mailslot (no .pc but the prefix's)"
    read -r -a pc_libs <<<"$text"
    "$cc" "${cflags[@]}" "${pc_cflags[@]}" -o "$tmp/consumer" "$consumer/main.c" "${ldflags[@]}" "${pc_libs[@]}" ||
        fail "the pkg-config consumer does not build"
    LD_LIBRARY_PATH="$lib" "$tmp/consumer"
    echo "install_test: pkg-config mailslot $have: ${pc_cflags[*]} ${pc_libs[*]}"
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
