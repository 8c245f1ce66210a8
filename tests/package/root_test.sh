#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# root_test.sh SOURCE_DIR PACKAGES -- the packages as a user meets
# them on a new machine: a clean Debian root (debootstrap --variant=minbase,
# the host's release and archive), where
#   1. the Python wheel of PACKAGES, before any .deb: with neither
#      libsodium23 nor libmailslot1 installed, it goes into a venv
#      (pip --no-index) and passes bindings/python/tests/install_check.py
#      (import, round trips plain and keyed, the bundled libraries mapped);
#   2. `apt-get install ./*.deb` of the six packages in PACKAGES (made by
#      scripts/package: CTest package_build), their dependencies from the
#      archive, and in that root,
#      with no LD_LIBRARY_PATH, PYTHONPATH or LUA_CPATH: mailslot --version,
#      a listen/send round trip, Python (ctypes and SWIG backends), Lua, a C
#      program built with pkg-config and one with find_package(mailslot 1.1),
#      a C# program built with mcs -pkg:mailslot-sharp under mono, man pages
#      (mailslot(1), (7), and (3) by a function's name); the binary rock
#      installed with luarocks into a tree, and a round trip from there;
#   3. the same .deb files installed again over themselves while a
#      `mailslot listen` runs: it keeps running and receives what is sent
#      afterwards; the systemd unit is neither enabled nor started;
#   4. `apt-get remove mailslot-tools`: the tool is gone, the library is
#      still used by C and Python.
# One line per check (PASS/FAIL WHAT), then "package_root: N passed, M failed".
#
# As root only (chroot, mounts); skips otherwise, fails in CI
# (tests/lib/strict.sh). Every mount is made in a private mount and PID
# namespace (unshare), so that the mounts and every process started in the
# root end with it, whatever happens; the root's files are removed after.
#
# The minbase root is made once with debootstrap and kept as a tarball in
# MAILSLOT_ROOT_CACHE (default /var/cache/mailslot-tests; without that
# variable set, fresh-root-ci's tarball is used when there is one). The root
# gets the host's apt sources and package lists, and the host's
# /var/cache/apt/archives is bind-mounted into it: packages the host has
# downloaded already are not downloaded again (most of the time a run takes
# is downloading otherwise), and the root installs the very versions the
# host built the packages against. Lists too stale for the archive are
# refreshed (apt-get update) once.
set -u

# ---- inside the namespaces: ROOT is unpacked, nothing is mounted yet ----------
if [ "${1:-}" = --inside ]; then
    root=$2 src=$3 debs=$4 wheel=$5 id=$6 # id: the outer script's pid ($$ is 1 here)
    . "$src/tests/lib/package.sh"
    ms_deb_init "$src" "$debs"
    version=$ms_deb_upstream
    log=$root/var/log/mailslot-test
    mkdir -p "$log"

    # The root is a mount point (unshare --mount inside it needs one: the wheel's check).
    mount --bind "$root" "$root" &&
        mount -t proc proc "$root/proc" && # this PID namespace's processes only
        mount --rbind /sys "$root/sys" &&
        mount --rbind /dev "$root/dev" &&
        mount -t tmpfs tmpfs "$root/tmp" &&
        mount -t tmpfs tmpfs "$root/run" &&
        mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives" &&
        mkdir -p "$root/mnt/src" "$root/mnt/debs" "$root/mnt/wheel" &&
        mount --bind "$src" "$root/mnt/src" && mount -o remount,bind,ro "$root/mnt/src"
    check "mounts in the root (proc, sys, dev, tmp, run, apt's archives, the source read-only)" $? ||
        { ms_summary package_root; exit 1; }

    # apt as the host has it; dpkg without fsync (the root is thrown away);
    # Depends only, so that they are shown to be enough; the sandbox user
    # root, so that apt leaves the host's archives directory as it is.
    cp /etc/resolv.conf "$root/etc/" 2>/dev/null
    cp /etc/apt/sources.list.d/* "$root/etc/apt/sources.list.d/" 2>/dev/null
    cp /etc/apt/sources.list "$root/etc/apt/" 2>/dev/null
    find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -exec cp {} "$root/var/lib/apt/lists/" \;
    cat >"$root/etc/apt/apt.conf.d/90mailslot-test" <<'APT'
APT::Install-Recommends "false";
APT::Sandbox::User "root";
Dpkg::Options { "--force-unsafe-io"; };
Acquire::Retries "3";
APT
    # No service may start in the root: policy-rc.d refuses, and says who asked.
    printf '#!/bin/sh\necho "$*" >>/var/log/policy-rc.d.log\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"

    # in_root CMD...: CMD in the root, with a plain environment.
    plain_env=(/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive MAILSLOT_NETWORK=0)
    in_root() {
        chroot "$root" "${plain_env[@]}" "$@"
    }
    # logged NAME CMD...: CMD with its output in $log/NAME; its last lines on failure.
    logged() {
        local name=$1 rc
        shift
        "$@" >"$log/$name" 2>&1
        rc=$?
        [ "$rc" -eq 0 ] || tail -n 15 "$log/$name" | sed "s/^/  $name: /"
        return "$rc"
    }
    # apt_install ARG...: apt-get install in the root (in /mnt/debs); once
    # more after apt-get update when the copied lists name files the archive
    # has no more.
    apt_install() {
        in_root sh -c 'cd /mnt/debs && apt-get install -y -q "$@"' sh "$@" && return 0
        echo "  apt-get install failed: apt-get update, and once more"
        in_root apt-get update -q && in_root sh -c 'cd /mnt/debs && apt-get install -y -q "$@"' sh "$@"
    }
    # installed PACKAGE: dpkg has PACKAGE installed in the root.
    installed() {
        [ "$(in_root dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
    }
    slots=0
    # new_slot: a slot name no other test uses, in $slot.
    new_slot() {
        slots=$((slots + 1))
        slot=root-test-$id-$slots
    }
    listener=""
    # start_listener NAME [OPTION...]: `mailslot listen NAME` in the root in
    # the background (output in $root/tmp/listen.out), returning once it
    # reads: a probe sent until the send stops failing with "no reader owns"
    # (a writer on a local name opens only once the reader exists).
    start_listener() {
        local name=$1 i
        # Not through in_root (a function runs in a subshell): $! is the
        # listener's own pid (chroot and env exec it).
        chroot "$root" "${plain_env[@]}" mailslot listen "$@" >"$root/tmp/listen.out" 2>"$root/tmp/listen.err" &
        listener=$!
        for ((i = 0; i < 20000; i++)); do
            in_root mailslot send "$name" probe 2>"$root/tmp/probe.err" && return 0
            grep -qF "no reader owns" "$root/tmp/probe.err" || { cat "$root/tmp/probe.err"; return 1; }
            kill -0 "$listener" 2>/dev/null || { cat "$root/tmp/listen.err"; return 1; }
        done
        echo "the listener on $name never became ready"
        return 1
    }
    # listener_ends_with NAME LAST EXPECTED: sends LAST to the listener on
    # NAME (its last message), waits for it to end, and compares all it
    # printed with EXPECTED.
    listener_ends_with() {
        local rc
        in_root mailslot send "$1" "$2" && wait "$listener"
        rc=$?
        listener=""
        [ "$rc" -eq 0 ] && [ "$(cat "$root/tmp/listen.out")" = "$3" ]
    }
    # python_round_trip BACKEND: put/get through the installed python3-mailslot
    # (tests/install/consumer/consumer.py), its package and the library's version.
    python_round_trip() {
        local got
        new_slot
        got=$(in_root env MAILSLOT_BACKEND="$1" python3 /mnt/src/tests/install/consumer/consumer.py "$slot") || return 1
        read -r -a got <<<"$got"
        [ "${got[0]}" = "$1" ] && [ "${got[2]}" = "$version" ] &&
            [ "${got[3]}" = /usr/lib/python3/dist-packages/mailslot/__init__.py ] || { echo "consumer.py: ${got[*]}"; return 1; }
    }

    # 1. The wheel alone.
    logged apt-venv.txt apt_install python3-venv binutils # binutils: readelf, for install_check's audit
    check "apt-get install python3-venv binutils" $?
    for p in libsodium23 libmailslot1 python3-mailslot; do
        ! installed "$p"
        check "before the wheel: $p is not installed" $?
    done
    cp "$wheel"/mailslot-*.whl "$root/mnt/wheel/"
    in_root python3 /mnt/src/bindings/python/tests/install_check.py wheel --dist /mnt/wheel >"$log/wheel.txt" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] || tail -n 20 "$log/wheel.txt"
    check "the wheel in a venv: install_check.py wheel ($(tail -n 1 "$log/wheel.txt"))" "$rc"

    # 2. The packages.
    debnames=()
    for p in "${ms_deb_names[@]}"; do
        cp "$(ms_deb "$p")" "$root/mnt/debs/" && debnames+=("./$(basename "$(ms_deb "$p")")")
    done
    logged apt-debs.txt apt_install "${debnames[@]}" gcc libc6-dev pkg-config cmake make mono-mcs man-db lua5.4
    check "apt-get install ./*.deb (with gcc libc6-dev pkg-config cmake make mono-mcs man-db lua5.4)" $?
    for p in "${ms_deb_names[@]}" libsodium23; do
        installed "$p"
        check "$p is installed" $?
    done
    [ "$(in_root mailslot --version 2>&1)" = "mailslot $version" ]
    check "mailslot --version says $version" $?
    new_slot
    if start_listener "$slot" --count 2; then
        listener_ends_with "$slot" "hello from the root" $'probe\nhello from the root'
        rc=$?
        check "mailslot listen / mailslot send round trip (listener printed: $(tr '\n' '|' <"$root/tmp/listen.out"))" "$rc"
    else
        check "mailslot listen became ready" 1
    fi
    for backend in ctypes swig; do
        python_round_trip "$backend"
        check "python3: import mailslot and a put/get ($backend backend)" $?
    done
    new_slot
    [ "$(in_root lua5.4 /mnt/src/tests/install/consumer/consumer.lua "$slot")" = \
        "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/lua/5.4/mailslot.so $version" ]
    check "lua5.4: require \"mailslot\" and a round trip" $?
    # tests/install/consumer: a round trip in C, the version of the library that runs.
    logged c.txt in_root sh -c 'mkdir -p /tmp/c && cd /tmp/c &&
        cc -o consumer /mnt/src/tests/install/consumer/main.c $(pkg-config --cflags --libs mailslot) && ./consumer'
    rc=$?
    check "a C program built with pkg-config --cflags --libs mailslot: $(tail -n 1 "$log/c.txt")" "$rc"
    need=${version%.*}
    logged cmake.txt in_root sh -c 'cmake -S /mnt/src/tests/install/consumer -B /tmp/cmake -DNEED="$1" &&
        cmake --build /tmp/cmake && /tmp/cmake/consumer' sh "$need"
    rc=$?
    check "a C program built with find_package(mailslot $need CONFIG REQUIRED): $(tail -n 1 "$log/cmake.txt")" "$rc"
    new_slot
    logged cs.txt in_root sh -c 'mkdir -p /tmp/cs && cd /tmp/cs &&
        mcs -nologo -pkg:mailslot-sharp -out:consumer.exe /mnt/src/tests/install/consumer/Consumer.cs &&
        cp $(pkg-config --variable=Libraries mailslot-sharp) . && mono consumer.exe "$1"' sh "$slot" &&
        grep -qx "Version=$version.0" "$log/cs.txt"
    check "a C# program built with mcs -pkg:mailslot-sharp runs under mono (round trip, Mailslot.dll $version)" $?
    in_root env LC_ALL=C MANWIDTH=200 man -P cat mailslot >"$log/man1.txt" 2>&1 &&
        grep -q "mailslot - send and receive Windows-style mailslot messages" "$log/man1.txt"
    check "man mailslot shows mailslot(1)" $?
    in_root env LC_ALL=C MANWIDTH=200 man -P cat 7 mailslot >"$log/man7.txt" 2>&1 && grep -q "^MAILSLOT(7)" "$log/man7.txt"
    check "man 7 mailslot shows mailslot(7)" $?
    in_root env LC_ALL=C MANWIDTH=200 man -P cat mailslot_create >"$log/man3.txt" 2>&1 && grep -q "^MAILSLOT(3)" "$log/man3.txt"
    check "man mailslot_create shows mailslot(3)" $?
    # The binary rock, as a LuaRocks user installs it: into a tree, against
    # the installed library and header (the rockspec's external dependency).
    cp "$debs"/mailslot-*.rock "$root/mnt/debs/" && logged apt-luarocks.txt apt_install luarocks
    check "apt-get install luarocks" $?
    new_slot
    logged rock.txt in_root sh -c 'luarocks --lua-version 5.4 --tree /tmp/rocks install /mnt/debs/mailslot-*.rock &&
        eval "$(luarocks --lua-version 5.4 --tree /tmp/rocks path)" &&
        lua5.4 /mnt/src/tests/install/consumer/consumer.lua "$1"' sh "$slot" &&
        [ "$(tail -n 1 "$log/rock.txt")" = "/tmp/rocks/lib/lua/5.4/mailslot.so $version" ]
    rc=$?
    check "luarocks install of the binary rock, then require \"mailslot\" from its tree and a round trip: $(tail -n 1 "$log/rock.txt")" "$rc"

    # 3. The same packages over themselves while a client listens.
    # unit_quiet: mailslot-forward.service is not enabled, policy-rc.d was
    # never asked to start it, and no `mailslot forward` runs.
    unit_quiet() {
        local wants=$root/etc/systemd/system/multi-user.target.wants/mailslot-forward.service
        [ ! -L "$wants" ] && [ ! -e "$wants" ] &&
            ! grep -qs mailslot-forward "$root/var/log/policy-rc.d.log" &&
            ! grep -qE '^(\S*/)?mailslot forward( |$)' <(for f in "$root"/proc/[0-9]*/cmdline; do tr '\0' ' ' <"$f" | sed 's/ $//'; echo; done)
    }
    unit_quiet
    check "after the install: mailslot-forward.service neither enabled nor started" $?
    new_slot
    if start_listener "$slot" --count 3; then
        in_root mailslot send "$slot" "before the upgrade"
        check "a message to the listener before the upgrade" $?
        logged apt-reinstall.txt apt_install --reinstall "${debnames[@]}"
        check "apt-get install --reinstall ./*.deb (the same version over itself)" $?
        grep -q "^Unpacking mailslot-tools (${ms_deb_version}) over (${ms_deb_version})" "$log/apt-reinstall.txt"
        check "mailslot-tools was unpacked over itself" $?
        kill -0 "$listener" 2>/dev/null && [ "$(in_root readlink "/proc/$listener/exe")" = "/usr/bin/mailslot (deleted)" ]
        check "the listener still runs, its /usr/bin/mailslot replaced under it" $?
        listener_ends_with "$slot" "after the upgrade" $'probe\nbefore the upgrade\nafter the upgrade'
        rc=$?
        check "the listener received what was sent after the upgrade (printed: $(tr '\n' '|' <"$root/tmp/listen.out"))" "$rc"
    else
        check "mailslot listen became ready (before the upgrade)" 1
    fi
    unit_quiet
    check "after the upgrade: mailslot-forward.service neither enabled nor started" $?

    # 4. Without the tool.
    logged apt-remove.txt in_root apt-get remove -y -q mailslot-tools
    check "apt-get remove mailslot-tools" $?
    [ ! -e "$root/usr/bin/mailslot" ] && ! installed mailslot-tools && installed libmailslot1
    check "/usr/bin/mailslot is gone, libmailslot1 stays" $?
    logged c-again.txt in_root /tmp/c/consumer
    rc=$?
    check "the C program still runs: $(tail -n 1 "$log/c-again.txt")" "$rc"
    python_round_trip ctypes
    check "python3 put/get still works" $?

    [ -z "$listener" ] || kill "$listener" 2>/dev/null
    ms_summary package_root
    exit $?
fi

# ---- outside: the base, the root's files, the namespaces ----------------------
src=${1:?usage: root_test.sh SOURCE_DIR PACKAGES}
debs=${2:?usage: root_test.sh SOURCE_DIR PACKAGES}
wheel=$debs
src=$(cd "$src" && pwd)
. "$src/tests/lib/strict.sh"
. "$src/tests/lib/package.sh"
[ "$(id -u)" = 0 ] || { ms_cannot_run "package_root needs root (chroot, mounts)"; exit $?; }
for tool in unshare chroot tar flock dpkg-architecture dpkg-parsechangelog; do
    command -v "$tool" >/dev/null || { ms_cannot_run "$tool not found (apt-get install util-linux dpkg-dev)"; exit $?; }
done
ms_deb_init "$src" "$debs" || exit 1
for p in "${ms_deb_names[@]}"; do
    [ -f "$(ms_deb "$p")" ] || { echo "FAIL no $(ms_deb "$p") (package_build makes it)"; exit 1; }
done
wheels=("$wheel"/mailslot-*.whl)
[ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] ||
    { echo "FAIL not one wheel in $wheel (package_build makes it): ${wheels[*]}"; exit 1; }
rocks=("$debs"/mailslot-*.rock)
[ "${#rocks[@]}" -eq 1 ] && [ -f "${rocks[0]}" ] ||
    { echo "FAIL not one rock in $debs (package_build makes it): ${rocks[*]}"; exit 1; }
wheel=$(cd "$wheel" && pwd)

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "FAIL no VERSION_CODENAME in /etc/os-release"; exit 1; }
cache=${MAILSLOT_ROOT_CACHE:-/var/cache/mailslot-tests}
base=$cache/$codename-minbase.tar
if [ ! -f "$base" ] && [ -z "${MAILSLOT_ROOT_CACHE:-}" ] && [ -f "/var/cache/fresh-root-ci/$codename-minbase.tar" ]; then
    base=/var/cache/fresh-root-ci/$codename-minbase.tar # read only
fi
if [ ! -f "$base" ]; then
    command -v debootstrap >/dev/null || { ms_cannot_run "debootstrap not found (apt-get install debootstrap)"; exit $?; }
    mkdir -p "$cache" || exit 1
    # One bootstrap at a time (other worktrees' runs wait, then find the tarball).
    exec 9>"$cache/lock"
    flock 9
    if [ ! -f "$base" ]; then
        mirror=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
        [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
        [ -n "$mirror" ] || { echo "FAIL no archive in the host's apt sources"; exit 1; }
        echo "root_test: debootstrap --variant=minbase $codename from $mirror into $base (once)"
        start=$SECONDS
        boot=$(mktemp -d "$cache/boot.XXXXXX") || exit 1
        # In its own mount namespace: whatever it mounts in the target ends with it.
        unshare --mount --propagation private debootstrap --variant=minbase "$codename" "$boot/root" "$mirror" \
            >"$cache/debootstrap.log" 2>&1 &&
            tar -C "$boot/root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
        rc=$?
        rm -rf "$boot" "$base.tmp"
        [ "$rc" -eq 0 ] || { tail -n 20 "$cache/debootstrap.log"; echo "FAIL debootstrap (log: $cache/debootstrap.log)"; exit 1; }
        echo "root_test: debootstrap took $((SECONDS - start)) s"
    fi
    exec 9>&-
fi

root=$(mktemp -d "${MAILSLOT_ROOT_TMP:-/var/tmp}/mailslot-root.XXXXXX") || exit 1
# Nothing is mounted under $root in this namespace (the mounts were made in
# the other one); should one be there, nothing is removed.
cleanup() {
    if grep -qF " $root" /proc/self/mounts; then
        echo "root_test: $root still has mounts: not removed"
    else
        rm -rf "$root"
    fi
}
trap cleanup EXIT
tar -C "$root" -xf "$base" || { echo "FAIL unpacking $base"; exit 1; }
echo "root_test: a clean $codename root from $base in $root"
start=$SECONDS
unshare --mount --propagation private --pid --fork --kill-child \
    bash "$0" --inside "$root" "$src" "$(cd "$debs" && pwd)" "$wheel" "$$"
rc=$?
echo "root_test: $((SECONDS - start)) s in the root"
exit "$rc"
