# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# package.sh -- what the package tests (tests/package/*.sh) share: counting
# checks, and the names and paths of the .deb files scripts/package-deb
# builds. Sourced.

ms_passed=0
ms_failed=0

# check WHAT STATUS: one check, printed as PASS WHAT or FAIL WHAT (STATUS 0
# passes) and counted; returns 0 when it passed, 1 when it failed. A WHAT
# with a command substitution sets $? itself: save the status first
# (rc=$?; check "... $(...)" "$rc").
check() {
    if [ "$2" -eq 0 ]; then
        echo "PASS $1"
        ms_passed=$((ms_passed + 1))
        return 0
    fi
    echo "FAIL $1"
    ms_failed=$((ms_failed + 1))
    return 1
}

# ms_summary NAME: prints "NAME: N passed, M failed"; fails when one failed.
ms_summary() {
    echo "$1: $ms_passed passed, $ms_failed failed"
    [ "$ms_failed" -eq 0 ]
}

# The binary packages of debian/control, the library first.
ms_deb_names=(libmailslot1 libmailslot-dev mailslot-tools python3-mailslot lua-mailslot libmailslot-cil)

# ms_deb_init SOURCE_DIR OUT: the packages built from SOURCE_DIR are in OUT.
# Sets ms_deb_version (debian/changelog's, e.g. 1.1.0-1) and
# ms_deb_upstream (1.1.0), for ms_deb.
ms_deb_init() {
    ms_deb_out=$(cd "$2" && pwd) # apt-get takes a .deb by a path with a slash
    ms_deb_version=$(dpkg-parsechangelog -l "$1/debian/changelog" -S Version)
    ms_deb_upstream=${ms_deb_version%-*}
    ms_deb_arch=$(dpkg-architecture -qDEB_HOST_ARCH)
}

# ms_deb NAME: the path of package NAME's .deb file.
ms_deb() {
    echo "$ms_deb_out/${1}_${ms_deb_version}_${ms_deb_arch}.deb"
}
