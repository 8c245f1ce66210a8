#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo_test.sh DEMO TOOL -- scripts/demo (DEMO) sends nothing to the network.
#
# The demo runs, with the built tool TOOL (MAILSLOT_DEMO_TOOL, so nothing is
# rebuilt), on a simulated host: network namespace msdemo<pid>h, whose one
# interface eth0 (192.0.2.1/24, multicast, no default route) is a veth whose
# peer lies in msdemo<pid>w, where `ip -s link` counts what arrives. A control
# first: a `mailslot send` to \\* with the network on must be counted there,
# so that a count of 0 means something. Then the demo twice, each time with
# MAILSLOT_NETWORK=1 in its environment (as a user's may be): as a user runs it
# (it makes a namespace of its own where it can), and with
# MAILSLOT_DEMO_NETNS=0 (its MAILSLOT_NETWORK=0 alone must keep it local).
# Each run must show the scenario and add 0 packets to the peer's count.
#
# Needs root, ip and unshare: without them it prints SKIP and exits 77, except
# as root or with CI=true, where a missing piece fails the test.
set -u
demo=$1
tool=$2
run=$$
host=msdemo${run}h
wire=msdemo${run}w

# shellcheck source=../lib/strict.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/strict.sh"

# skip_or_fail WHY: a skip, or in CI and as root a failure (tests/lib/strict.sh).
skip_or_fail() {
    local rc=0
    ms_cannot_run "$@" || rc=$?
    exit "$rc"
}

[ "$EUID" = 0 ] || skip_or_fail "needs root (network namespaces)"
for t in ip unshare timeout; do
    command -v "$t" >/dev/null || skip_or_fail "needs $t"
done

created=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local ns pids
    for ns in "${created[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086 # a list of pids
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
    done
    for ns in "${created[@]}"; do
        ip netns del "$ns" 2>/dev/null || echo "demo_test: warning: could not delete namespace $ns"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL: $*"
    exit 1
}

for ns in "$host" "$wire"; do
    ip netns add "$ns" || fail "cannot create network namespace $ns"
    created+=("$ns")
    # A link that comes up sends IPv6 router solicitations and MLD reports of
    # its own accord: with IPv6 off, whatever crosses the wire was sent by a
    # program.
    if [ -d /proc/sys/net/ipv6 ]; then
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
            fail "cannot turn IPv6 off in $ns"
    fi
done
# shellcheck disable=SC2015 # any step failing is fatal
ip -n "$host" link set lo up &&
    ip -n "$host" link add eth0 type veth peer name peer0 netns "$wire" &&
    ip -n "$host" link set eth0 multicast on &&
    ip -n "$host" addr add 192.0.2.1/24 dev eth0 &&
    ip -n "$host" link set eth0 up &&
    ip -n "$wire" link set peer0 up ||
    fail "cannot wire the simulated host"

# arrived: the packets peer0 has received so far (the line under "RX:").
arrived() {
    ip -n "$wire" -s link show dev peer0 | awk '/^ *RX:/ { getline; print $2; exit }'
}

# on_host CMD...: CMD on the simulated host, with the network on in its
# environment and no other mailslot setting of the caller's.
on_host() {
    timeout -k 5 60 ip netns exec "$host" env -u MAILSLOT_INTERFACE -u MAILSLOT_DOMAIN -u MAILSLOT_PORT \
        -u MAILSLOT_TTL -u MAILSLOT_KEY_FILE MAILSLOT_NETWORK=1 "$@"
}

before=$(arrived)
on_host "$tool" send '\\*\mailslot\demo_test_control' "seen on the wire" ||
    fail "the control send failed"
after=$(arrived)
printf '%s\n' "control: a send to \\\\* with the network on: $((after - before)) packet(s) reached the peer"
[ "$after" -gt "$before" ] || fail "the peer counted nothing from the control send: the test cannot see the network"

status=0
for mode in "own namespace" "MAILSLOT_DEMO_NETNS=0"; do
    netns=1
    [ "$mode" = "own namespace" ] || netns=0
    before=$(arrived)
    out=$(on_host MAILSLOT_DEMO_TOOL="$tool" MAILSLOT_DEMO_NETNS=$netns bash "$demo" 2>&1)
    rc=$?
    after=$(arrived)
    printf '%s\n' "$out" | sed "s/^/  [$mode] /"
    sent=$((after - before))
    if [ $rc -ne 0 ]; then
        echo "FAIL [$mode]: the demo exited with $rc"
        status=1
    elif ! printf '%s\n' "$out" | grep -qx 'demo: the listener received 5 messages and exited'; then
        echo "FAIL [$mode]: the demo did not show the scenario"
        status=1
    elif [ "$sent" -ne 0 ]; then
        echo "FAIL [$mode]: $sent packet(s) left the demo's host"
        status=1
    else
        echo "PASS [$mode]: the scenario ran and 0 packets left the host"
    fi
done
exit $status
