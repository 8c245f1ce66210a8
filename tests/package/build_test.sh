#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build_test.sh SOURCE_DIR OUT VERSION -- runs scripts/package into OUT, as a
# user does, and checks that it made every package: the six .deb files
# (lintian without an error), the wheel, Mailslot.VERSION.nupkg, the binary
# rock and its rockspec, and a SHA256SUMS that holds for all of them. The
# other package tests (package_deb, package_nuget, package_root) check and
# use what it made.
set -u
src=${1:?usage: build_test.sh SOURCE_DIR OUT VERSION}
out=${2:?usage: build_test.sh SOURCE_DIR OUT VERSION}
version=${3:?usage: build_test.sh SOURCE_DIR OUT VERSION}
. "$src/tests/lib/strict.sh"
. "$src/tests/lib/package.sh"
for tool in dpkg-buildpackage dh dh_python3 lintian nuget mcs mono swig patchelf luarocks x86_64-w64-mingw32-gcc sha256sum; do
    command -v "$tool" >/dev/null || { ms_cannot_run "$tool not found (scripts/test installs what scripts/package needs)"; exit $?; }
done
missing=$(cd "$src" && dpkg-checkbuilddeps 2>&1) || { ms_cannot_run "Build-Depends missing: ${missing##*: }"; exit $?; }

log=$(mktemp "${TMPDIR:-/tmp}/mailslot-package.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
"$src/scripts/package" "$out" >"$log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || tail -n 40 "$log"
grep -E '^lintian: ' "$log"
check "scripts/package" "$rc" || { ms_summary package_build; exit 1; }

ms_deb_init "$src" "$out"
for p in "${ms_deb_names[@]}"; do
    [ -f "$(ms_deb "$p")" ]
    check "$(basename "$(ms_deb "$p")")" $?
done
! grep -q '^E:' "$out/lintian.txt"
check "lintian reports no error" $?
for pattern in "mailslot-$version-py3-none-manylinux_*.whl" "Mailslot.$version.nupkg" \
    "mailslot-$version-*.linux-x86_64.rock" "mailslot-$version-*.rockspec"; do
    files=("$out"/$pattern)
    [ "${#files[@]}" -eq 1 ] && [ -f "${files[0]}" ]
    check "one $pattern" $?
done
(cd "$out" && sha256sum --quiet -c SHA256SUMS) && [ "$(wc -l <"$out/SHA256SUMS")" -ge 10 ]
check "SHA256SUMS holds for every package" $?
ms_summary package_build
