#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# without_system_libraries.sh STEM... -- CMD...: runs CMD where the dynamic
# loader finds no STEM.so* (e.g. libsodium, libmailslot) of the system's: a
# private mount namespace (unshare) in which every such file in the loader's
# directories has /dev/null bind-mounted over it. A package that cannot be
# uninstalled (other programs need libsodium23) is thus absent for CMD only,
# and for no other process. Run by install_check.py for the wheel.
#
# Needs root, or unprivileged user namespaces; without either it skips
# (exit 77), and fails in CI and as root (tests/lib/strict.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../../tests/lib/strict.sh
. "$here/../../../tests/lib/strict.sh"

if [ "${1:-}" = --inside ]; then
    shift
    stems=()
    while [ "$1" != -- ]; do
        stems+=("$1")
        shift
    done
    shift
    # The directories the loader searches: its cache's, and the defaults.
    dirs=$( (ldconfig -p | sed -n 's/.* => \(.*\)\/[^/]*$/\1/p'
        printf '%s\n' /lib /lib64 /usr/lib /usr/lib64 /usr/local/lib /lib/*-linux-gnu* \
            /usr/lib/*-linux-gnu* /usr/local/lib/*-linux-gnu*) | sort -u)
    hidden=0
    for stem in "${stems[@]}"; do
        for dir in $dirs; do
            for f in "$dir/$stem".so*; do
                [ -e "$f" ] || continue
                real=$(realpath "$f")
                # Hidden once: its other names (symlinks) lead to the same file.
                if ! findmnt --noheadings --target "$real" --output TARGET | grep -qxF "$real"; then
                    mount --bind /dev/null "$real"
                    hidden=$((hidden + 1))
                fi
            done
        done
    done
    echo "without_system_libraries: hid $hidden file(s) named $(printf '%s.so* ' "${stems[@]}")"
    # Nor a path of the caller's own.
    unset LD_LIBRARY_PATH
    exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
    namespace=(unshare --mount --propagation private)
elif unshare --user --map-root-user --mount true 2>/dev/null; then
    namespace=(unshare --user --map-root-user --mount --propagation private)
else
    rc=0
    ms_cannot_run "without_system_libraries: neither root nor unprivileged user namespaces: cannot hide the system's libraries" || rc=$?
    exit "$rc"
fi
exec "${namespace[@]}" -- bash "$0" --inside "$@"
