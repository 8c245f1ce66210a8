# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # tmp comes from, and BG_PID, STATUS and the tables go to, the sourcing script
# netlib.sh -- simulated hosts for the network tests: network namespaces on a
# bridge, commands run "on" a host, and waiting for events with deadlines.
# Sourced by netns_test.sh, which sets $tmp before calling topo_up.
#
# Topology (every name carries this shell's pid, so runs never collide):
#
#   ns ms<pid>a  hosta           eth0 192.0.2.11/24 --veth-- va --+
#   ns ms<pid>b  hostb.net.test  eth0 192.0.2.12/24 --veth-- vb --+-- br0 (ns ms<pid>s)
#   ns ms<pid>c  hostc           eth0 192.0.2.13/24 --veth-- vc --+
#   ns ms<pid>d  hostd           eth0 192.0.2.22 --veth-- eth1 192.0.2.21 of hosta
#
# Host D (only with TOPO_HOST_D=1, as netns_test.sh sets it) is a second
# network of A's: A has two multicast interfaces, so its writes to "*" and to
# domains go out on both. Point-to-point addresses (each
# end a /32 with a route to its peer only) leave A's route to 192.0.2.0/24 on
# eth0.
# Addresses are from TEST-NET-1; there is no default route; the bridge does
# not snoop IGMP, so it floods multicast to every port. Nothing is created in
# the root namespace: each veth is created inside its host's namespace with its
# peer placed straight into the bridge's. A host's hostname lives in a UTS
# namespace and its /etc/hosts and /etc/resolv.conf are bind mounts in a mount
# namespace, both made afresh for every command run on it (see `on`), so the
# root's hostname and /etc are never touched.

set -u

RUN=$$
HOSTS=(a b c)
declare -A NS=([a]="ms${RUN}a" [b]="ms${RUN}b" [c]="ms${RUN}c" [d]="ms${RUN}d" [s]="ms${RUN}s")
declare -A ADDR=([a]=192.0.2.11 [b]=192.0.2.12 [c]=192.0.2.13 [d]=192.0.2.22)
A_SECOND_ADDR=192.0.2.21 # hosta's eth1, D's peer
declare -A HOSTNAME_OF=([a]=hosta [b]=hostb.net.test [c]=hostc [d]=hostd)
declare -A DOMAIN=()         # MAILSLOT_DOMAIN of each host; unset: the default
ALL_HOSTS_GROUP=239.255.77.83
CREATED_NS=()                # namespaces this run created, and only those, are deleted
DEADLINE=${NET_TEST_DEADLINE:-20}   # seconds any single wait may take
PORT=${PORT:-$((20000 + RUN % 10000))}
PY=${PYTHON:-python3}
NETPKT=${NETPKT:-$(dirname "${BASH_SOURCE[0]}")/netpkt.py}

# Everything the tests add to a host's environment; everything else named
# MAILSLOT_* is removed, so the caller's environment cannot leak in.
# shellcheck disable=SC2016 # expanded by sh -c on the host
ON_SH='hostname "$1" || exit 125
mount --bind "$2" /etc/hosts || exit 125
if [ -e /etc/resolv.conf ]; then mount --bind "$3" /etc/resolv.conf || exit 125; fi
shift 3
exec "$@"'

# Everything goes to stdout, so that failures and PASS/FAIL lines stay in order.
net_log() { printf '%s\n' "$*"; }

# topo_up: builds the topology; any error fails the run (the EXIT trap cleans up).
topo_up() {
    local h ns
    cat >"$tmp/hosts" <<EOF
127.0.0.1	localhost
${ADDR[a]}	${HOSTNAME_OF[a]}
${ADDR[b]}	${HOSTNAME_OF[b]} hostb
${ADDR[c]}	${HOSTNAME_OF[c]}
${ADDR[d]}	${HOSTNAME_OF[d]}
EOF
    # No name server answers: lookups of names not in the hosts file fail at once.
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$tmp/resolv.conf"

    topo_switch "${NS[s]}"
    for h in "${HOSTS[@]}"; do
        topo_ns_add "${NS[$h]}"
        topo_wire "$h" s 24
    done
    [ "${TOPO_HOST_D:-0}" = 1 ] || {
        topo_wait_up "${HOSTS[@]}"
        return
    }
    topo_ns_add "${NS[d]}"
    # shellcheck disable=SC2015 # any step failing is fatal
    ip -n "${NS[d]}" link set lo up &&
        ip -n "${NS[a]}" link add eth1 type veth peer name eth0 netns "${NS[d]}" &&
        ip -n "${NS[a]}" link set eth1 multicast on &&
        ip -n "${NS[d]}" link set eth0 multicast on &&
        ip -n "${NS[a]}" addr add "$A_SECOND_ADDR" peer "${ADDR[d]}" dev eth1 &&
        ip -n "${NS[d]}" addr add "${ADDR[d]}" peer "$A_SECOND_ADDR" dev eth0 &&
        ip -n "${NS[a]}" link set eth1 up &&
        ip -n "${NS[d]}" link set eth0 up ||
        net_die "cannot wire host d to a's eth1"
    topo_wait_up "${HOSTS[@]}" d
}

# topo_switch NS: a new namespace NS holding a switch, br0 (no STP, no
# multicast snooping: every port hears every group), up.
topo_switch() {
    topo_ns_add "$1"
    # shellcheck disable=SC2015 # any step failing is fatal
    ip -n "$1" link set lo up &&
        ip -n "$1" link add br0 type bridge mcast_snooping 0 stp_state 0 &&
        ip -n "$1" link set br0 up ||
        net_die "cannot create a bridge in $1 (module bridge?)"
}

# topo_switch_plain NS: the switch of NS does not pass bridged packets to
# netfilter (bridge-nf-call-*tables 0 in NS, when br_netfilter is loaded),
# as a switch would not: benchmarks measure the hosts, not the filter.
# Returns 0 when br_netfilter is loaded (its hooks now off in NS), else 1.
topo_switch_plain() {
    local f
    for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables \
        /proc/sys/net/bridge/bridge-nf-call-arptables; do
        ip netns exec "$1" sh -c "[ ! -e $f ] || echo 0 >$f" || net_die "cannot write $f in namespace $1"
    done
    ip netns exec "$1" test -e /proc/sys/net/bridge/bridge-nf-call-iptables
}

# topo_wire HOST SWITCH PREFIXLEN: the host's eth0 (ADDR[HOST]/PREFIXLEN) on
# br0 of the switch namespace NS[SWITCH], multicast on, up.
topo_wire() {
    local h=$1 ns=${NS[$1]} sw=${NS[$2]}
    # shellcheck disable=SC2015 # any step failing is fatal
    ip -n "$ns" link set lo up &&
        ip -n "$ns" link add eth0 type veth peer name "v$h" netns "$sw" &&
        ip -n "$ns" link set eth0 multicast on &&
        ip -n "$ns" addr add "${ADDR[$h]}/$3" dev eth0 &&
        ip -n "$ns" link set eth0 up &&
        ip -n "$sw" link set "v$h" multicast on master br0 &&
        ip -n "$sw" link set "v$h" up ||
        net_die "cannot wire host $h"
}

# topo_wait_up HOST...: the bridge's ports forward at once (no STP); waits for
# each host's carrier anyway.
topo_wait_up() {
    local h
    for h in "$@"; do
        wait_until "eth0 of host $h to be up" link_up "$h"
    done
}

topo_ns_add() {
    ip netns add "$1" || net_die "cannot create network namespace $1"
    CREATED_NS+=("$1")
}

link_up() {
    ip -n "${NS[$1]}" -br link show dev eth0 | grep -q '\<UP\>'
}

# topo_down: kills every process left in our namespaces (all of them were
# started by this run) and deletes the namespaces. Safe to call twice.
topo_down() {
    local ns pids
    for ns in "${CREATED_NS[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086 # a list of pids
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
    done
    kill_helpers
    for ns in "${CREATED_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null || echo "netns_test: warning: could not delete namespace $ns"
    done
    CREATED_NS=()
}

# Helpers running in the root namespace (tail) are recorded in $tmp/helpers; they are killed only if their command line still
# names this run's $tmp (so a recycled pid is never hit).
note_helper() { echo "$1" >>"$tmp/helpers"; }

kill_helpers() {
    local pid
    [ -f "$tmp/helpers" ] || return 0
    while read -r pid; do
        if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$tmp"; then
            kill -KILL "$pid" 2>/dev/null
        fi
    done <"$tmp/helpers"
    : >"$tmp/helpers"
}

# on_cmd HOST CMD...: sets ON_CMD to the command line running CMD on HOST.
on_cmd() {
    local h=$1
    shift
    local envs=(-u MAILSLOT_DOMAIN -u MAILSLOT_INTERFACE -u MAILSLOT_NETWORK -u MAILSLOT_TTL
        -u MAILSLOT_KEY_FILE -u MAILSLOT_SUITE -u MAILSLOT_BRIDGE_SITE -u MAILSLOT_NATS_URL
        -u MAILSLOT_NATS_USER -u MAILSLOT_NATS_PASSWORD -u MAILSLOT_NATS_TOKEN -u MAILSLOT_NATS_NKEY
        -u MAILSLOT_NATS_NKEY_SEED -u MAILSLOT_NATS_TLS_CA -u MAILSLOT_NATS_TLS_CERT
        -u MAILSLOT_NATS_TLS_KEY
        "MAILSLOT_PORT=$PORT")
    [ -z "${DOMAIN[$h]:-}" ] || envs+=("MAILSLOT_DOMAIN=${DOMAIN[$h]}")
    [ -z "${NET_TEST_INTERFACE:-}" ] || envs+=("MAILSLOT_INTERFACE=$NET_TEST_INTERFACE")
    ON_CMD=(ip netns exec "${NS[$h]}" unshare --uts --mount -- sh -c "$ON_SH" on-host
        "${HOSTNAME_OF[$h]}" "$tmp/hosts" "$tmp/resolv.conf" env "${envs[@]}" "$@")
}

# on HOST CMD...: runs CMD on HOST in the foreground, at most $DEADLINE seconds
# (status 124 when it took longer).
on() {
    on_cmd "$@"
    timeout -k 5 "$DEADLINE" "${ON_CMD[@]}"
}

# bg_on HOST OUT ERR CMD...: starts CMD on HOST in the background with stdout
# in OUT and stderr in ERR; BG_PID is its pid (that of CMD itself: every
# wrapper execs the next). CMD holds, as fd 9, the write end of a pipe whose
# read end this shell keeps in LIFE[pid]: it reads EOF when CMD has ended.
declare -A LIFE=() REAPED=()
bg_on() {
    local h=$1 out=$2 err=$3 fifo fd
    shift 3
    on_cmd "$h" "$@"
    fifo=$(mktemp -u "$tmp/life.XXXXXX")
    mkfifo "$fifo" || net_fail "cannot create a fifo in $tmp"
    # A simple command, not a ( subshell ): a subshell killed before it execs
    # would run the caller's EXIT trap.
    "${ON_CMD[@]}" >"$out" 2>"$err" 9>"$fifo" &
    BG_PID=$!
    exec {fd}<"$fifo" # returns once CMD has opened its end
    rm -f "$fifo"
    LIFE[$BG_PID]=$fd
}

# alive PID: the process exists and is not a zombie.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat:0:1}" != Z ]
}

# wait_line FILE LINE PID WHAT [ERRFILE]: waits until FILE has the line LINE.
# Gives up when process PID has ended without printing it (showing ERRFILE,
# its stderr), or after $DEADLINE seconds.
# Event-driven: tail -F follows the file (inotify) and tail --pid notices PID's end.
wait_line() {
    local file=$1 line=$2 pid=$3 what=$4 errfile=${5:-/dev/null} fd l found=1 tailer fifo
    fifo=$(mktemp -u "$tmp/fifo.XXXXXX")
    mkfifo "$fifo" || net_fail "cannot create a fifo in $tmp"
    timeout "$DEADLINE" tail -n +1 -F --pid="$pid" -- "$file" >"$fifo" 2>/dev/null &
    tailer=$!
    note_helper "$tailer"
    exec {fd}<"$fifo"
    rm -f "$fifo"
    while IFS= read -r -u "$fd" l; do
        if [ "${l%$'\r'}" = "$line" ]; then # (Windows programs end lines with CR LF)
            found=0
            break
        fi
    done
    exec {fd}<&-
    kill "$tailer" 2>/dev/null
    wait "$tailer" 2>/dev/null
    [ "$found" -eq 0 ] && return 0
    if alive "$pid"; then
        net_fail "$what: no line '$line' within ${DEADLINE}s; $file has: $(head -c 2000 "$file")"
    fi
    net_fail "$what: the process ended without printing '$line'; $file has: $(head -c 2000 "$file"); stderr: $(head -c 2000 "$errfile")"
}

# wait_exit PID WHAT: waits for PID, started by bg_on in this shell, to end,
# at most $DEADLINE seconds (then kills it and fails); sets STATUS to its exit
# status. The event is EOF on its life pipe.
wait_exit() {
    local pid=$1 what=$2 fd=${LIFE[$1]} rc
    IFS= read -r -t "$DEADLINE" -u "$fd" _
    rc=$?
    exec {fd}<&-
    unset "LIFE[$pid]"
    if [ "$rc" -gt 128 ]; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        REAPED[$pid]=1
        net_fail "$what did not end within ${DEADLINE}s"
    fi
    wait "$pid" 2>/dev/null # (no "Killed" notice: callers judge the status)
    STATUS=$?
    REAPED[$pid]=1
}

# wait_until WHAT CMD...: runs CMD until it succeeds, at most $DEADLINE seconds.
# For states that have no event to wait on (a socket bound, a group joined):
# each try is a fresh look at kernel state, never a sleep.
wait_until() {
    local what=$1 end=$((SECONDS + DEADLINE))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$end" ] || net_fail "gave up waiting for $what after ${DEADLINE}s"
    done
}

# port_owners HOST: the pids holding a UDP socket on $PORT on HOST, sorted, one a line.
port_owners() {
    ip netns exec "${NS[$1]}" ss -Hunap "sport = :$PORT" 2>/dev/null |
        grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un
}

# joined HOST GROUP: HOST's eth0 is a member of multicast group GROUP.
joined() {
    ip -n "${NS[$1]}" maddr show dev eth0 | awk -v g="$2" '$1 == "inet" && $2 == g { f = 1 } END { exit !f }'
}

# net_diag: what the hosts look like, for failure reports.
net_diag() {
    local h
    for h in "${HOSTS[@]}"; do
        [ -n "${NS[$h]:-}" ] || continue
        ip netns pids "${NS[$h]}" >/dev/null 2>&1 || continue
        net_log "  host $h: udp port $PORT held by pids: $(port_owners "$h" | tr '\n' ' ')"
        net_log "  host $h: eth0 groups: $(ip -n "${NS[$h]}" maddr show dev eth0 2>/dev/null |
            awk '$1 == "inet" { printf "%s ", $2 }')"
    done
}

net_die() {
    net_log "netns_test: $*"
    exit 1
}

# net_run_case LABEL FUNCTION: runs FUNCTION in a subshell whose exit runs
# case_cleanup (the caller's), prints "PASS LABEL (Ns)" or "FAIL LABEL (Ns)"
# and counts it in passed or failed. In the background, so that the wait
# builtin lets a signal's trap run at once (a foreground subshell would defer
# it until the case ends); CASE_PID names it meanwhile.
net_run_case() {
    local start=$SECONDS rc
    (
        trap case_cleanup EXIT
        "$2"
    ) &
    CASE_PID=$!
    wait "$CASE_PID"
    rc=$?
    CASE_PID=
    if [ "$rc" -eq 0 ]; then
        echo "PASS $1 ($((SECONDS - start))s)"
        passed=$((passed + 1))
    else
        echo "FAIL $1 ($((SECONDS - start))s)"
        failed=$((failed + 1))
    fi
}
