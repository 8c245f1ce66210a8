#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# system_install_test.sh BUILD_DIR SOURCE_DIR VERSION CMAKE CC SANITIZERS PYTHON PARTS [RUNTIME_ENV...]
#
# The install as a user makes it on Debian: cmake --install --prefix
# /usr/local, ldconfig, then a program in each language that uses it the way
# a user's program does -- no LD_LIBRARY_PATH, PYTHONPATH, LUA_CPATH or
# MONO_PATH -- each with a round trip (reader, writer, write, read back).
#   SANITIZERS   e.g. address,undefined: the C consumer is built with them, as
#                the library was (empty: none)
#   PYTHON       the python3 the package was installed for
#   PARTS        what the build was asked for besides C, comma-separated:
#                python, lua, csharp, systemd (each one's tools must be there)
#   RUNTIME_ENV  NAME=VALUE for the interpreters that load the library
#                (python3, lua5.4, mono): a sanitizer build's preloads
#
# The real /usr/local and /etc are not touched: the test runs again inside a
# private mount namespace with a tmpfs over /usr/local, a copy of /etc on a
# tmpfs (for ldconfig) and a tmpfs over /var/cache/ldconfig. That needs root:
# without it the test is skipped (77), unless CI=true. As root or in CI a
# missing tool is a failure naming it, never a skip.
set -euo pipefail
say() { echo "install_system: $*"; }
fail() {
    say "FAIL $*"
    exit 1
}

# ---- outside: checks, then the same script in a mount namespace -----------------

if [ "${1:-}" != --inside ]; then
    [ $# -ge 8 ] || fail "usage: $0 BUILD_DIR SOURCE_DIR VERSION CMAKE CC SANITIZERS PYTHON PARTS [RUNTIME_ENV...]"
    cmake=$4 cc=$5 python=$7 parts=$8
    if [ "$(id -u)" != 0 ]; then
        # shellcheck source=../lib/strict.sh
        . "$(dirname "${BASH_SOURCE[0]}")/../lib/strict.sh"
        rc=0
        ms_cannot_run "install_system needs root (a private mount namespace over /usr/local and /etc)" || rc=$?
        exit "$rc"
    fi
    has_part() { [[ ",$parts," == *",$1,"* ]]; }
    # need TOOL PACKAGE: TOOL is there, and not under the /usr/local that the test hides.
    need() {
        local path
        path=$(command -v "$1") || fail "$1 not found (Debian: $2)"
        path=$(readlink -f "$path")
        [[ "$path" != /usr/local/* ]] || fail "$1 is $path, under the /usr/local that this test hides"
    }
    need unshare util-linux
    need mount mount
    need ldconfig libc-bin
    need pkg-config pkg-config
    need man man-db
    need "$cmake" cmake
    need "$cc" gcc
    if has_part python; then need "$python" python3; fi
    if has_part lua; then need lua5.4 lua5.4; fi
    if has_part csharp; then
        need mcs mono-mcs
        need mono mono-runtime
    fi
    for dir in "$1" "$2"; do
        [[ "$(readlink -f "$dir")" != /usr/local/* ]] || fail "$dir is under the /usr/local that this test hides"
    done
    host_cache() { cksum </etc/ld.so.cache 2>/dev/null || echo none; }
    cache_before=$(host_cache)
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    rc=0
    # Absolute paths: the test works in a scratch directory.
    unshare --mount --propagation private -- bash "$0" --inside "$scratch" \
        "$(readlink -f "$1")" "$(readlink -f "$2")" "${@:3}" || rc=$?
    [ "$(host_cache)" = "$cache_before" ] || fail "the host's /etc/ld.so.cache changed"
    exit "$rc"
fi

# ---- inside the mount namespace --------------------------------------------------

scratch=$2
build=$3 src=$4 version=$5 cmake=$6 cc=$7 sanitize=$8 python=$9 parts=${10}
shift 10
runtime_env=("$@")
major=${version%%.*}
has_part() { [[ ",$parts," == *",$1,"* ]]; }
# Nothing points any language at the library: what it finds, the install gave.
unset LD_LIBRARY_PATH PYTHONPATH PYTHONHOME LUA_PATH LUA_CPATH LUA_PATH_5_4 LUA_CPATH_5_4 \
    MONO_PATH MONO_GAC_PREFIX MAILSLOT_LIBRARY MAILSLOT_BACKEND PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
# run_runtime CMD...: an interpreter that loads the library (a sanitizer build's preloads).
run_runtime() { env "${runtime_env[@]}" "$@"; }

mount -t tmpfs tmpfs "$scratch"
# ldconfig writes /etc/ld.so.cache~ and renames it over /etc/ld.so.cache, and
# a rename over a mount point fails (EBUSY): a scratch file bind-mounted on
# the cache will not do. So /etc is a copy on a tmpfs (6 MB on Debian), and
# ldconfig's aux-cache in /var/cache/ldconfig gets a tmpfs too.
cp -a /etc "$scratch/etc"
mount --bind "$scratch/etc" /etc
if [ -d /var/cache/ldconfig ]; then mount -t tmpfs tmpfs /var/cache/ldconfig; fi
mount -t tmpfs tmpfs /usr/local
mkdir "$scratch/work"
cd "$scratch/work"

# Every file must go under /usr/local or /etc (an absolute install directory
# elsewhere would write to the host): a staged install shows where.
DESTDIR="$scratch/stage" "$cmake" --install "$build" --prefix /usr/local >"$scratch/stage.log" ||
    { cat "$scratch/stage.log"; fail "cmake --install (staged)"; }
outside=$(cd "$scratch/stage" && find . -mindepth 1 ! -path ./usr ! -path ./usr/local ! -path './usr/local/*' \
    ! -path ./etc ! -path './etc/*')
[ -z "$outside" ] || fail "installed outside /usr/local and /etc: $outside"

"$cmake" --install "$build" --prefix /usr/local >"$scratch/install.log" ||
    { cat "$scratch/install.log"; fail "cmake --install --prefix /usr/local"; }
lib=$(find /usr/local -name "libmailslot.so.$major" -print -quit)
[ -n "$lib" ] || fail "no libmailslot.so.$major under /usr/local"
libdir=$(dirname "$lib")
say "cmake --install --prefix /usr/local: $(grep -c '^-- Installing: ' "$scratch/install.log") files, the library in $libdir"

# check WHAT CMD...: runs CMD (a function: each of its commands must succeed)
# with its output in a log, shown whether it fails or not. Not "CMD || ...":
# bash ignores set -e within a function run on the left of || or &&.
check() {
    local what=$1 rc=0
    shift
    set +e
    (
        set -e
        "$@"
    ) >"$scratch/check.log" 2>&1
    rc=$?
    set -e
    sed 's/^/install_system: /' "$scratch/check.log"
    [ "$rc" = 0 ] || fail "$what"
}

# ---- C: pkg-config, then the loader finds the library once ldconfig has run --

c_build() {
    local text flags=() libs=()
    text=$(pkg-config --cflags mailslot)
    read -r -a flags <<<"$text"
    text=$(pkg-config --libs mailslot)
    read -r -a libs <<<"$text"
    [ -z "$sanitize" ] || flags+=("-fsanitize=$sanitize")
    "$cc" "${flags[@]}" -o consumer "$src/tests/install/consumer/main.c" "${libs[@]}"
    echo "C: $cc ${flags[*]} ... ${libs[*]}"
}
c_run() {
    ./consumer
    ldd ./consumer >ldd.txt
    grep -F "libmailslot.so.$major => $lib " ldd.txt || { cat ldd.txt; return 1; }
}
# Only the prefix's .pc files: mailslot.pc must not need libsodium's.
pc_alone() {
    PKG_CONFIG_LIBDIR="$libdir/pkgconfig" pkg-config --exists mailslot
    echo "PKG_CONFIG_LIBDIR=$libdir/pkgconfig pkg-config:" \
        "$(PKG_CONFIG_LIBDIR="$libdir/pkgconfig" pkg-config --cflags --libs mailslot)"
}

# ---- Python: import mailslot, the package from the install -----------------------

# python_round_trip BACKEND LIBRARY: mailslot.library_path matches the
# pattern LIBRARY (ctypes: a name the loader knows, or a path; swig: the
# module mailslot_swig).
python_round_trip() {
    local out
    out=$(MAILSLOT_BACKEND=$1 run_runtime "$python" "$src/tests/install/consumer/consumer.py" "install-test-py-$BASHPID")
    echo "python3 ($1): $out"
    read -r -a got <<<"$out"
    # shellcheck disable=SC2053 # $2 is a pattern
    [ "${got[0]}" = "$1" ] && [[ "${got[1]}" == $2 ]] && [ "${got[2]}" = "$version" ] &&
        [[ "${got[3]}" == /usr/local/lib/python3*/mailslot/__init__.py ]]
}

# ---- Lua: require "mailslot" -------------------------------------------------------

lua_round_trip() {
    local out
    out=$(run_runtime lua5.4 "$src/tests/install/consumer/consumer.lua" "install-test-lua-$BASHPID")
    echo "lua5.4: $out"
    [[ "$out" == "/usr/local/"*"/mailslot.so $version" ]]
}

# ---- C#: mcs -pkg:mailslot-sharp, the assembly copied beside the program -------

csharp_round_trip() {
    local text libraries=()
    mcs -nologo -pkg:mailslot-sharp -out:consumer.exe "$src/tests/install/consumer/Consumer.cs"
    text=$(pkg-config --variable=Libraries mailslot-sharp)
    read -r -a libraries <<<"$text"
    cp "${libraries[@]}" .
    run_runtime mono consumer.exe "install-test-cs-$$" >cs.txt
    sed 's/^/mono: /' cs.txt
    local line
    for line in "Version=$version.0" "FileVersion=$version.0" "InformationalVersion=$version" "Title=Mailslot" \
        "Copyright=Copyright (c) 2026 The mailslot developers" "License=MIT"; do
        grep -Fxq "$line" cs.txt || { echo "Mailslot.dll: no $line"; return 1; }
    done
}

# ---- systemd: the unit runs the installed tool -------------------------------------

systemd_unit() {
    local unit
    unit=$(sed -n 's/^-- Installing: \(.*\/mailslot-forward\.service\)$/\1/p' "$scratch/install.log")
    [ -n "$unit" ] || { echo "mailslot-forward.service is not installed"; return 1; }
    grep -Fx "ExecStart=/usr/local/bin/mailslot forward" "$unit"
    # The bridge's beside it, in a build with libnats (the tool has a bridge).
    local bridge
    bridge=$(sed -n 's/^-- Installing: \(.*\/mailslot-bridge\.service\)$/\1/p' "$scratch/install.log")
    if [ -n "$bridge" ]; then
        grep -Fx "ExecStart=/usr/local/bin/mailslot bridge" "$bridge"
        [ "$(dirname "$bridge")" = "$(dirname "$unit")" ] || { echo "the bridge's unit is not beside the forwarder's"; return 1; }
    fi
    if command -v systemd-analyze >/dev/null; then
        systemd-analyze verify "$unit" ${bridge:+"$bridge"}
        echo "systemd-analyze verify $unit $bridge: ok"
    else
        echo "no systemd-analyze: the units' ExecStart only was checked"
    fi
}

# ---- man: the pages, where man(1) looks ----------------------------------------------

# man_page SECTION FILE: `man -w SECTION mailslot` names FILE, and the page renders.
man_page() {
    local found
    found=$(man -w "$1" mailslot) || return 1
    [ "$found" = "$2" ] || { echo "man -w $1 mailslot: $found, not $2"; return 1; }
    MANWIDTH=80 man "$1" mailslot 2>&1 | grep -q "mailslot" || { echo "man $1 mailslot printed no page"; return 1; }
}

# man_function NAME TEXT: `man 3 NAME` (a link page) shows mailslot(3), which has TEXT.
man_function() {
    MANWIDTH=1000 man 3 "$1" 2>&1 | grep -qF "$2" || { echo "man 3 $1 does not show mailslot(3)"; return 1; }
}

# ---- the checks, one line each ---------------------------------------------------

check "/usr/local/bin/mailslot --version" /usr/local/bin/mailslot --version
check "pkg-config mailslot with the prefix's .pc files only (no libsodium.pc)" pc_alone
check "C consumer built with pkg-config --cflags --libs mailslot" c_build
ldconfig -p >"$scratch/cache.txt" # (not piped into grep -q: pipefail)
if grep -qF "libmailslot.so.$major " "$scratch/cache.txt"; then
    say "the host's ld.so.cache already knows a libmailslot.so.$major: not checking the state before ldconfig"
else
    # Before ldconfig: what a user sees without it, and the Python package's way round.
    if ./consumer >before.txt 2>&1 || ! grep -q "libmailslot.so.$major: cannot open shared object file" before.txt; then
        cat before.txt
        fail "the consumer ran before ldconfig: the test is not isolated"
    fi
    say "before ldconfig: $(cat before.txt)"
    if has_part python; then check "python3, before ldconfig" python_round_trip ctypes "$lib"; fi
fi
check "ldconfig" ldconfig
check "C consumer run (no LD_LIBRARY_PATH)" c_run
if has_part python; then
    check "python3 -c 'import mailslot' (ctypes)" python_round_trip ctypes "libmailslot.so.$major"
    if compgen -G "/usr/local/lib/python3*/*-packages/_mailslot_swig*.so" >/dev/null; then
        check "python3 -c 'import mailslot' (swig)" python_round_trip swig "/usr/local/lib/python3*/mailslot_swig.py"
    else
        say "mailslot_swig is not installed (built for another Python X.Y than $python)"
    fi
fi
if has_part lua; then check "lua5.4 -e 'require \"mailslot\"'" lua_round_trip; fi
if has_part csharp; then check "mcs -pkg:mailslot-sharp and mono" csharp_round_trip; fi
if has_part systemd; then check "systemd unit" systemd_unit; fi
# The manual pages, as `man` finds them (its default path has /usr/local/share/man).
check "man -w mailslot" man_page 1 /usr/local/share/man/man1/mailslot.1
check "man -w 7 mailslot" man_page 7 /usr/local/share/man/man7/mailslot.7
check "man -w 3 mailslot" man_page 3 /usr/local/share/man/man3/mailslot.3
check "man mailslot_create shows mailslot(3)" man_function mailslot_create "the C interface of libmailslot"
say "every part installed in /usr/local works"
