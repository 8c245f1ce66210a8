#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# deb_test.sh SOURCE_DIR OUT -- checks the Debian packages that
# scripts/package (CTest package_build, lintian without errors) made in OUT:
#   - each package's files (dpkg-deb -c): the library and its links, the
#     header, pkg-config and CMake files, man pages, bash completion, the
#     systemd unit, the Python package and SWIG module, the Lua module, the
#     C# assembly and its glue;
#   - their dependencies (dpkg-deb -f): libsodium23 and libc6 through shlibs,
#     libmailslot1 for the bindings; the library's symbols and ldconfig trigger;
#   - the unit is not enabled nor started on a first install;
#   - the unpacked files work, with nothing from the build tree: the tool, a C
#     program built with the -dev package's pkg-config, Python (ctypes and
#     SWIG backends), Lua and C# each load the packaged library;
#   - apt-get resolves their dependencies on this system (a simulated install).
# Installing them for real, in a clean Debian root, and using them there is
# root_test.sh's part (CTest package_root, which runs after this one).
set -u
src=${1:?usage: deb_test.sh SOURCE_DIR OUT}
out=${2:?usage: deb_test.sh SOURCE_DIR OUT}
. "$src/tests/lib/strict.sh"
. "$src/tests/lib/package.sh"
for tool in dpkg-architecture apt-get cc python3 lua5.4 pkg-config mcs mono; do
    command -v "$tool" >/dev/null || { ms_cannot_run "$tool not found (apt-get install dpkg-dev lua5.4 mono-mcs)"; exit $?; }
done

ms_deb_init "$src" "$out"
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$ms_deb_version

# has PACKAGE PATH...: each PATH (as dpkg-deb -c prints it, "-> target" for
# a link) is in PACKAGE.
has() {
    local pkg=$1 listing p
    shift
    listing=$(dpkg-deb -c "$(ms_deb "$pkg")" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }')
    for p in "$@"; do
        grep -qxF -- "$p" <<<"$listing"
        check "$pkg has $p" $?
    done
}
has libmailslot1 "./usr/lib/$ma/libmailslot.so.1.1.0" "./usr/lib/$ma/libmailslot.so.1 -> libmailslot.so.1.1.0"
has libmailslot-dev ./usr/include/mailslot.h "./usr/lib/$ma/libmailslot.so -> libmailslot.so.1" \
    "./usr/lib/$ma/pkgconfig/mailslot.pc" "./usr/lib/$ma/cmake/mailslot/mailslot-config.cmake" \
    "./usr/lib/$ma/cmake/mailslot/mailslot-targets.cmake" ./usr/share/man/man7/mailslot.7.gz
has mailslot-tools ./usr/bin/mailslot ./usr/share/man/man1/mailslot.1.gz \
    ./usr/share/bash-completion/completions/mailslot ./lib/systemd/system/mailslot-forward.service \
    ./lib/systemd/system/mailslot-bridge.service
has python3-mailslot ./usr/lib/python3/dist-packages/mailslot/__init__.py \
    ./usr/lib/python3/dist-packages/mailslot/_library.py ./usr/lib/python3/dist-packages/mailslot_swig.py
has lua-mailslot "./usr/lib/$ma/lua/5.4/mailslot.so"
has libmailslot-cil "./usr/lib/$ma/libmailslot_csharp.so.1 -> libmailslot_csharp.so.1.1.0" \
    "./usr/lib/$ma/mono/mailslot/Mailslot.dll" "./usr/lib/$ma/mono/mailslot/Mailslot.dll.config" \
    "./usr/lib/$ma/pkgconfig/mailslot-sharp.pc"
# lua5.4 looks where the module is.
lua5.4 -e 'print(package.cpath)' | tr ';' '\n' | grep -qxF "/usr/lib/$ma/lua/5.4/?.so"
check "lua5.4's package.cpath has /usr/lib/$ma/lua/5.4" $?

# depends PACKAGE REGEX...: each REGEX matches an entry of PACKAGE's Depends.
depends() {
    local pkg=$1 deps r
    shift
    deps=$(dpkg-deb -f "$(ms_deb "$pkg")" Depends | tr ',' '\n' | sed 's/^ *//')
    for r in "$@"; do
        grep -qE -- "^($r)( |$)" <<<"$deps"
        check "$pkg depends on $r (it depends on: ${deps//$'\n'/, })" $?
    done
}
depends libmailslot1 libsodium23 libc6
depends libmailslot-dev libmailslot1
# The tool links the shared library (src/cli/CMakeLists.txt); it calls
# mailslot_query@MAILSLOT_1.1, so the symbols file asks for 1.1.0. It links
# libnats for `mailslot bridge`.
depends mailslot-tools 'libmailslot1 \(>= 1\.1\.0\)' libsodium23 'libnats3\.[0-9]+' libc6
depends python3-mailslot libmailslot1 python3
depends lua-mailslot libmailslot1
depends libmailslot-cil libmailslot1 mono-runtime

ctl=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-deb.XXXXXX") || exit 1
trap 'rm -rf "$ctl"' EXIT
dpkg-deb -e "$(ms_deb libmailslot1)" "$ctl/lib"
grep -qx 'activate-noawait ldconfig' "$ctl/lib/triggers"
check "libmailslot1 triggers ldconfig" $?
grep -q '^ mailslot_set_log_handler@MAILSLOT_1.1 1.1.0$' "$ctl/lib/symbols"
check "libmailslot1's symbols file is shipped" $?
# Disabled by default: the postinst enables the unit only when it was
# installed and enabled before (an upgrade), and never starts it.
dpkg-deb -e "$(ms_deb mailslot-tools)" "$ctl/tools"
awk '/debian-installed .mailslot-(forward|bridge).service/ { guarded = 1 }
     /^fi/ { guarded = 0 }
     /deb-systemd-helper enable/ && !guarded { bad = 1 }
     /deb-systemd-invoke/ { bad = 1 }
     END { exit bad }' "$ctl/tools/postinst"
check "mailslot-tools neither enables nor starts its units on a first install" $?
dpkg-deb --fsys-tarfile "$(ms_deb mailslot-tools)" | tar -xOf - ./lib/systemd/system/mailslot-forward.service |
    grep -qx 'ExecStart=/usr/bin/mailslot forward'
check "the unit runs /usr/bin/mailslot forward" $?
dpkg-deb --fsys-tarfile "$(ms_deb mailslot-tools)" | tar -xOf - ./lib/systemd/system/mailslot-bridge.service |
    grep -qx 'ExecStart=/usr/bin/mailslot bridge'
check "the bridge's unit runs /usr/bin/mailslot bridge" $?

# The unpacked packages at work. LD_LIBRARY_PATH stands in for ldconfig.
root=$ctl/root
files=()
for p in "${ms_deb_names[@]}"; do
    files+=("$(ms_deb "$p")")
    dpkg-deb -x "$(ms_deb "$p")" "$root"
done
export MAILSLOT_NETWORK=0 LD_LIBRARY_PATH=$root/usr/lib/$ma
unset MAILSLOT_LIBRARY PYTHONPATH LUA_CPATH
[ "$("$root/usr/bin/mailslot" --version 2>&1)" = "mailslot ${version%-*}" ]
check "the packaged tool says its version" $?
cat >"$ctl/app.c" <<'C'
#include <mailslot.h>
#include <stdio.h>
int main(void) { puts(mailslot_version_string()); return 0; }
C
cc "$ctl/app.c" -o "$ctl/app" $(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/$ma/pkgconfig \
    pkg-config --cflags --libs mailslot) && [ "$("$ctl/app")" = "${version%-*}" ]
check "a C program built with the -dev package runs" $?
# The library loaded must be the packaged one (/proc/self/maps).
for backend in ctypes swig; do
    MAILSLOT_BACKEND=$backend PYTHONPATH=$root/usr/lib/python3/dist-packages /usr/bin/python3 -c '
import sys, mailslot
assert mailslot.library_version() == sys.argv[1], mailslot.library_version()
assert any(l.rstrip().endswith(sys.argv[2] + "/libmailslot.so.1.1.0") for l in open("/proc/self/maps")), "not the packaged library"
' "${version%-*}" "$LD_LIBRARY_PATH"
    check "python3-mailslot ($backend backend) loads the packaged library" $?
done
[ "$(LUA_CPATH="$root/usr/lib/$ma/lua/5.4/?.so" lua5.4 -e 'print(require("mailslot").version_string())')" = "${version%-*}" ]
check "lua-mailslot loads" $?
cs=$root/usr/lib/$ma/mono/mailslot
echo 'class App { static void Main() { System.Console.WriteLine(Mailslot.MailslotNative.VersionString()); } }' >"$ctl/app.cs"
mcs -nologo -out:"$ctl/app.exe" -r:"$cs/Mailslot.dll" "$ctl/app.cs" &&
    [ "$(MONO_PATH=$cs mono "$ctl/app.exe")" = "${version%-*}" ]
check "libmailslot-cil: a C# program runs with Mailslot.dll and its glue" $?

# What apt would do with them (no download, nothing installed).
apt-get install -s --no-download "${files[@]}" >"$ctl/apt.txt" 2>&1
rc=$?
check "apt-get resolves their dependencies: $(grep -E '^E:|^ ' "$ctl/apt.txt" | head -n 5)" $rc
for p in "${ms_deb_names[@]}"; do
    grep -q "^Conf $p " "$ctl/apt.txt"
    check "apt-get would configure $p" $?
done

ms_summary package
