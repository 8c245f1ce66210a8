# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# legacy_lib.sh -- what the legacy tests share. Sourced.

# in_ns_with_hosts NS HOSTS RESOLV CMD...: runs CMD in network namespace NS
# with the hosts file HOSTS and the resolver configuration RESOLV bind-mounted
# over /etc/hosts and /etc/resolv.conf in a mount namespace of its own, so
# that the test decides what the resolver knows and the root's /etc is never
# touched.
in_ns_with_hosts() {
    local ns=$1 hosts=$2 resolv=$3
    shift 3
    # shellcheck disable=SC2016 # expanded by sh -c
    ip netns exec "$ns" unshare --mount -- sh -c \
        'mount --bind "$1" /etc/hosts && { [ ! -e /etc/resolv.conf ] || mount --bind "$2" /etc/resolv.conf; } && shift 2 && exec "$@"' \
        sh "$hosts" "$resolv" "$@"
}
