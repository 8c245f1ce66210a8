#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR
# netns_bench.sh -- the network benchmark between simulated hosts: messages
# per second from one writer on host A to `\\*\mailslot\bench` readers on B
# and C, and the loss at that rate.
#
#   netns_bench.sh [--quick] [--forwarder MAILSLOT] NET_BENCH
#
# NET_BENCH is tests/bench/net_bench, built; MAILSLOT the `mailslot` tool.
# The hosts are those of netns_test.sh (netlib.sh: network namespaces on a
# bridge, veth links, one kernel) but for host D, so that A has one interface;
# and the bridge does not pass bridged packets to netfilter
# (bridge-nf-call-*tables 0 in its namespace, when br_netfilter is loaded),
# as a switch would not. For each way of
# forwarding:
#   reader   the reader's process is its host's forwarder (the usual case:
#            the first process with a network reader holds the port);
#   daemon   `mailslot forward` holds the port on B and C and passes the
#            packets to the reader's process (only with --forwarder);
# and for 64-byte and 1,024-byte payloads:
#   burst  the writer sends N messages as fast as it can;
#   paced  the writer sends at fixed rates, rising, for a fixed time each,
#          until the loss at B or C reaches 0.1% (or the writer cannot keep
#          the rate); the highest rate below that is the "lossless" rate.
# Each measurement starts fresh readers (and forwarders) and prints one row:
#   offered  the writer's rate: messages over its first-to-last send time
#   B, C     each reader's rate: messages received over its first-to-last
#            arrival time, and the loss: messages sent but not received
#   UDP buffer drops  datagrams the kernel dropped because the forwarder's
#            UDP receive buffer was full (Udp RcvbufErrors of the host); the
#            rest of the loss is after that socket: the forwarder's send to
#            the reader's process found its socket full (a daemon counts
#            these as "failed", shown below the table), or the reader's queue
#            was at its limit (shown when it happens)
#   p50      one-way latency, writer's send to reader's read (one clock: one kernel)
# Duplicates and out-of-order arrivals are reported when there are any.
# First, the writer alone: a burst from A while nothing reads anywhere, once
# through mailslot_write to `\\*` and once as raw sendto of datagrams of the
# same payload to the same group and port (ALL_HOSTS_GROUP, PORT) through the
# same veth (A's eth0); both cross the bridge and are dropped unread at B and
# C. Its rate and its system calls per message (net_bench counts them with
# perf_event_open, every thread of the process), each against the raw one;
# then again with a bridge on A (feedsink.py drain: a stand-in that reads
# and discards), to which the writer also hands each packet.
# Each row names its authentication (abi/PROTOCOL.md section 8): none, suite 1
# (signed, HMAC-SHA512-256) or suite 2 (signed and encrypted,
# XChaCha20-Poly1305), with one key file (MAILSLOT_KEY_FILE) on every host;
# with the reader as forwarder only (the daemon never opens packets), and in
# --quick runs as bursts only.
#
# It is a benchmark, not a test: it exits 0 when it measured, whatever the
# figures, 1 when a measurement could not be made, 77 (after `SKIP: ...`)
# without root, ip or unshare.
#
# Environment: NET_BENCH_BURST (messages per burst; default 200000, quick
# 50000), NET_BENCH_SECONDS (per paced rate; default 2, quick 0.5),
# NET_BENCH_RATES (paced rates, rising; default 5000 10000 20000 30000
# 40000 50000 75000 100000 150000 200000, quick 10000 20000 30000 40000 50000
# 100000),
# NET_TEST_DEADLINE (seconds any one wait may take; default 60).

set -u

usage() {
    echo "usage: netns_bench.sh [--quick] [--forwarder MAILSLOT] NET_BENCH" >&2
    exit 2
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUICK=0
MS=
while [ $# -gt 1 ]; do
    case $1 in
    --quick) QUICK=1 ;;
    --forwarder)
        MS=${2:-}
        shift
        ;;
    *) usage ;;
    esac
    shift
done
[ $# -eq 1 ] || usage
NB=$1
[ -x "$NB" ] || { echo "netns_bench.sh: $NB is not an executable" >&2; exit 2; }
[ -z "$MS" ] || [ -x "$MS" ] || { echo "netns_bench.sh: $MS is not an executable" >&2; exit 2; }
FORWARDERS=(reader)
[ -z "$MS" ] || FORWARDERS+=(daemon)

if [ "$QUICK" = 1 ]; then
    BURST=${NET_BENCH_BURST:-50000}
    SECONDS_PER_RATE=${NET_BENCH_SECONDS:-0.5}
    read -r -a RATES <<<"${NET_BENCH_RATES:-10000 20000 30000 40000 50000 100000}"
else
    BURST=${NET_BENCH_BURST:-200000}
    SECONDS_PER_RATE=${NET_BENCH_SECONDS:-2}
    read -r -a RATES <<<"${NET_BENCH_RATES:-5000 10000 20000 30000 40000 50000 75000 100000 150000 200000}"
fi
NET_TEST_DEADLINE=${NET_TEST_DEADLINE:-60}
LOSSLESS=0.1 # percent: the paced runs stop at the first rate that loses this much

skip() {
    echo "SKIP: $*"
    exit 77
}

preflight() {
    [ "$(id -u)" -eq 0 ] || skip "the network benchmark needs root (network namespaces)"
    local c
    for c in ip unshare timeout tail ss hostname mount awk; do
        command -v "$c" >/dev/null 2>&1 || skip "the network benchmark needs '$c'"
    done
    ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
    unshare --uts --mount true 2>/dev/null || skip "unshare --uts --mount does not work here"
}

preflight
# shellcheck source=netlib.sh
. "$HERE/netlib.sh"

net_fail() {
    net_log "netns_bench: $*"
    net_diag
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    exec 2>/dev/null
    topo_down
    rm -rf "$tmp"
    exit "$rc"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-netbench.XXXXXX") || exit 1
: >"$tmp/helpers"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
topo_up
BRIDGE_NF=""
if topo_switch_plain "${NS[s]}"; then
    BRIDGE_NF="; br_netfilter is loaded: its hooks are turned off in the bridge's namespace"
fi

# field LINE KEY: the value of KEY=VALUE in a result line.
field() {
    local re="(^| )$2=([^ ]*)"
    [[ $1 =~ $re ]] || net_fail "no $2 in: $1"
    printf '%s' "${BASH_REMATCH[2]}"
}

# rcvbuf_errors HOST: the host's Udp RcvbufErrors (datagrams dropped on a full receive buffer).
# shellcheck disable=SC2016 # an awk program
rcvbuf_errors() {
    ip netns exec "${NS[$1]}" awk '$1 == "Udp:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
        $1 == "Udp:" { print $col["RcvbufErrors"]; exit }' /proc/net/snmp
}

# forwarder_rb HOST: the receive buffer the kernel gave the socket on $PORT (ss skmem rb).
forwarder_rb() {
    ip netns exec "${NS[$1]}" ss -Hunam "sport = :$PORT" 2>/dev/null | grep -o 'rb[0-9]*' | head -n 1 | tr -d rb
}

RUN_ID=0
# auth_env AUTH: the environment of a reader or writer for AUTH (none,
# suite1, suite2), in AUTH_ENV.
auth_env() {
    case $1 in
    none) AUTH_ENV=(env) ;;
    suite1) AUTH_ENV=(env "MAILSLOT_KEY_FILE=$tmp/bench.key" MAILSLOT_SUITE=1 MAILSLOT_AUTH_LOG=0) ;;
    suite2) AUTH_ENV=(env "MAILSLOT_KEY_FILE=$tmp/bench.key" MAILSLOT_SUITE=2 MAILSLOT_AUTH_LOG=0) ;;
    esac
}

# measure FORWARDER SIZE COUNT RATE [AUTH]: one measurement (RATE 0: a burst); sets M_* for the row.
measure() {
    local fwd=$1 size=$2 count=$3 rate=$4 h line
    auth_env "${5:-none}"
    RUN_ID=$((RUN_ID + 1))
    local -A pid=() drops0=() fpid=()
    for h in b c; do
        drops0[$h]=$(rcvbuf_errors "$h")
        if [ "$fwd" = daemon ]; then
            bg_on "$h" "$tmp/f$RUN_ID.$h" "$tmp/f$RUN_ID.$h.err" "$MS" forward
            fpid[$h]=$BG_PID
            wait_line "$tmp/f$RUN_ID.$h" "forwarding udp port $PORT" "$BG_PID" \
                "mailslot forward on $h" "$tmp/f$RUN_ID.$h.err"
        fi
        bg_on "$h" "$tmp/r$RUN_ID.$h" "$tmp/r$RUN_ID.$h.err" "${AUTH_ENV[@]}" "$NB" reader --run "$RUN_ID"
        pid[$h]=$BG_PID
        wait_line "$tmp/r$RUN_ID.$h" ready "$BG_PID" "net_bench reader on $h" "$tmp/r$RUN_ID.$h.err"
    done
    [ -n "${RB:-}" ] || RB=$(forwarder_rb b)
    local wargs=(writer --run "$RUN_ID" --count "$count" --size "$size")
    [ "$rate" -eq 0 ] || wargs+=(--rate "$rate")
    on a "${AUTH_ENV[@]}" "$NB" "${wargs[@]}" >"$tmp/w$RUN_ID" 2>"$tmp/w$RUN_ID.err" ||
        net_fail "net_bench writer on a exited $?: $(cat "$tmp/w$RUN_ID.err")"
    line=$(grep '^result ' "$tmp/w$RUN_ID") || net_fail "the writer printed no result: $(cat "$tmp/w$RUN_ID")"
    M_OFFERED=$(field "$line" rate)
    M_ERRORS=$(field "$line" errors)
    [ "$M_ERRORS" -eq 0 ] || M_NOTES+=("$(head -c 300 "$tmp/w$RUN_ID.err")")
    for h in b c; do
        wait_exit "${pid[$h]}" "net_bench reader on $h"
        [ "$STATUS" -eq 0 ] || net_fail "net_bench reader on $h exited $STATUS: $(cat "$tmp/r$RUN_ID.$h.err")"
        line=$(grep '^result ' "$tmp/r$RUN_ID.$h") || net_fail "the reader on $h printed no result"
        local unique dup ooo
        unique=$(field "$line" unique)
        dup=$(field "$line" duplicates)
        ooo=$(field "$line" out_of_order)
        M_RATE[$h]=$(field "$line" rate)
        M_LOSS[$h]=$(awk -v n="$count" -v u="$unique" 'BEGIN { printf "%.2f", (n > 0 ? 100 * (n - u) / n : 0) }')
        M_P50[$h]=$(field "$line" lat_p50_us)
        M_DROPS[$h]=$(($(rcvbuf_errors "$h") - drops0[$h]))
        [ "$dup" -eq 0 ] || M_NOTES+=("host $h: $dup duplicates")
        [ "$ooo" -eq 0 ] || M_NOTES+=("host $h: $ooo out of order")
        # A row with keys is one: every message the reader got was verified.
        if [ "${5:-none}" != none ] && [ "$(field "$line" auth_verified)" -ne "$(field "$line" net_received)" ]; then
            net_fail "host $h, $5: $(field "$line" auth_verified) verified of $(field "$line" net_received) received"
        fi
        [ "$(field "$line" net_over_limit)" -eq 0 ] ||
            M_NOTES+=("host $h: $(field "$line" net_over_limit) over the reader's queue limit")
        if [ "$fwd" = daemon ]; then
            kill -TERM "${fpid[$h]}"
            wait_exit "${fpid[$h]}" "mailslot forward on $h"
            [ "$STATUS" -eq 0 ] || net_fail "mailslot forward on $h exited $STATUS: $(cat "$tmp/f$RUN_ID.$h.err")"
            line=$(grep '^forwarder: datagrams' "$tmp/f$RUN_ID.$h") ||
                net_fail "mailslot forward on $h printed no statistics: $(cat "$tmp/f$RUN_ID.$h")"
            M_FAILED[$h]=$(sed -n 's/.*, failed \([0-9]*\)$/\1/p' <<<"$line")
        else
            M_FAILED[$h]=-
        fi
    done
}

# writer_alone KIND SIZE: a burst from A, nobody reading (KIND mailslot: net_bench
# writer; raw: net_bench sendto); sets W_RATE and W_SYS (per message, or n/a and why).
writer_alone() {
    local kind=$1 size=$2 out line sys
    RUN_ID=$((RUN_ID + 1))
    out=$tmp/alone$RUN_ID
    if [ "$kind" = mailslot ]; then
        on a "$NB" writer --run "$RUN_ID" --count "$BURST" --size "$size" >"$out" 2>"$out.err"
    else
        on a "$NB" sendto --count "$BURST" --size "$size" --group "$ALL_HOSTS_GROUP" --port "$PORT" \
            --if eth0 >"$out" 2>"$out.err"
    fi || net_fail "net_bench ($kind) on a exited $?: $(cat "$out.err")"
    line=$(grep '^result ' "$out") || net_fail "net_bench ($kind) printed no result: $(cat "$out")"
    [ "$(field "$line" errors)" -eq 0 ] || net_fail "net_bench ($kind): $(head -c 300 "$out.err")"
    W_RATE=$(field "$line" rate)
    sys=$(field "$line" syscalls)
    if [ "$sys" -ge 0 ]; then
        W_SYS=$(awk -v s="$sys" -v n="$BURST" 'BEGIN { printf "%.2f", s / n }')
    else
        W_SYS=$(grep -m 1 '^syscalls n/a' "$out" | cut -d' ' -f2-)
    fi
}

# ratio A B: A / B with two decimals, or - when either is not a number.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else printf "-" }'
}

declare -A M_RATE=() M_LOSS=() M_P50=() M_DROPS=() M_FAILED=()
M_NOTES=()

row() { # FORWARDER SIZE WRITER [AUTH]
    printf '| %s | %s | %s B | %s | %s | %s | %s%% | %s | %s%% | %s / %s | %s / %s |\n' "$1" "${4:-none}" "$2" "$3" \
        "$M_OFFERED" "${M_RATE[b]}" "${M_LOSS[b]}" "${M_RATE[c]}" "${M_LOSS[c]}" \
        "${M_DROPS[b]}" "${M_DROPS[c]}" "${M_P50[b]}" "${M_P50[c]}"
    if [ "$1" = daemon ] && [ "${M_FAILED[b]}${M_FAILED[c]}" != 00 ]; then
        M_NOTES+=("$3: the forwarder could not pass on ${M_FAILED[b]} (B) / ${M_FAILED[c]} (C): the reader's socket was full")
    fi
}

# below PERCENT LIMIT: PERCENT < LIMIT.
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

printf 'net bench: writer on A, readers on B and C, %s; %s CPUs, load average %s; %s%s\n' \
    '\\*\mailslot\bench' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -sr)" "$BRIDGE_NF"
echo "net bench: burst $BURST messages; paced ${SECONDS_PER_RATE}s at each of ${RATES[*]} msg/s until the loss reaches $LOSSLESS%"
echo
printf 'The writer alone: a burst of %s from A, nobody reading; mailslot_write to %s against raw sendto to %s port %s (the same group and port, the same veth, the same payload):\n' \
    "$BURST" '\\*\mailslot\bench' "$ALL_HOSTS_GROUP" "$PORT"
echo
echo "| payload | mailslot_write msg/s | raw sendto msg/s | ratio | syscalls/msg mailslot_write | syscalls/msg raw sendto | ratio |"
echo "|---|---|---|---|---|---|---|"
# alone_rows [WHERE]: a row per payload, mailslot_write against raw sendto;
# WHERE follows the payload ("64 B, WHERE").
alone_rows() {
    local size ms_rate ms_sys
    for size in 64 1024; do
        writer_alone mailslot "$size"
        ms_rate=$W_RATE ms_sys=$W_SYS
        writer_alone raw "$size"
        printf '| %s B%s | %s | %s | %s | %s | %s | %s |\n' "$size" "${1:+, $1}" "$ms_rate" "$W_RATE" \
            "$(ratio "$ms_rate" "$W_RATE")" "$ms_sys" "$W_SYS" "$(ratio "$ms_sys" "$W_SYS")"
    done
}
alone_rows
# The same writer on a bridge's host: it also hands each packet to the bridge
# (os.h, ms_plat_bridge_feed), here a stand-in that reads and discards.
bg_on a "$tmp/feed.out" "$tmp/feed.err" python3 "$HERE/feedsink.py" drain "$PORT"
feed_pid=$BG_PID
wait_line "$tmp/feed.out" listening "$feed_pid" "the stand-in bridge on A" "$tmp/feed.err"
alone_rows "a bridge on A"
kill "$feed_pid"
wait_exit "$feed_pid" "the stand-in bridge on A"
echo
echo "| forwarder | auth | payload | writer | offered msg/s | B msg/s | B loss | C msg/s | C loss | UDP buffer drops B / C | p50 µs B / C |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
summary=()
# One key for every host, as `mailslot keygen` writes it.
(umask 077 && printf 'key %s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$tmp/bench.key")
AUTHS=(none)
"$NB" has-keys >/dev/null 2>&1 && AUTHS+=(suite1 suite2)
for fwd in "${FORWARDERS[@]}"; do for auth in "${AUTHS[@]}"; do for size in 64 1024; do
    [ "$fwd" = reader ] || [ "$auth" = none ] || continue
    M_NOTES=()
    measure "$fwd" "$size" "$BURST" 0 "$auth"
    row "$fwd" "$size" "burst of $BURST" "$auth"
    best=
    [ "$QUICK" = 0 ] || [ "$auth" = none ] || continue
    for rate in "${RATES[@]}"; do
        count=$(awk -v r="$rate" -v s="$SECONDS_PER_RATE" 'BEGIN { n = int(r * s); print n < 1000 ? 1000 : n }')
        measure "$fwd" "$size" "$count" "$rate" "$auth"
        row "$fwd" "$size" "paced $rate/s" "$auth"
        if ! below "${M_LOSS[b]}" "$LOSSLESS" || ! below "${M_LOSS[c]}" "$LOSSLESS"; then
            break
        fi
        best="$rate msg/s"
        # The writer could not keep the rate: a higher target measures nothing new.
        if below "$M_OFFERED" "$(awk -v r="$rate" 'BEGIN { print 0.95 * r }')"; then
            best="$M_OFFERED msg/s (aiming at $rate, the writer could go no faster)"
            break
        fi
    done
    summary+=("$fwd, $auth, $size B: highest paced rate with loss < $LOSSLESS% at B and C: ${best:-none of ${RATES[*]} msg/s}")
    for n in ${M_NOTES[@]+"${M_NOTES[@]}"}; do summary+=("$fwd, $auth, $size B: $n"); done
done; done; done
echo
printf 'net bench: %s\n' "${summary[@]}"
echo "net bench: the forwarder's UDP receive buffer (ss rb): ${RB:-?} bytes; net.core.rmem_max = $(cat /proc/sys/net/core/rmem_max), rmem_default = $(cat /proc/sys/net/core/rmem_default)"
echo "net bench: veth and a bridge inside one kernel: an upper bound of the code path, not a LAN figure"
