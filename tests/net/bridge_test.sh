#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR
# bridge_test.sh -- `mailslot bridge` between two simulated sites over NATS.
#
#   bridge_test.sh MAILSLOT [CASE...]
#
# Topology (every name carries this shell's pid; addresses from TEST-NET-1):
#
#   site 1 (switch ns ms<pid>s1)        site 2 (switch ns ms<pid>s2)
#     A 192.0.2.11  B 192.0.2.12          C 192.0.2.71  D 192.0.2.72
#                   |eth1 .131            |eth1 .133    |eth1 .132
#                   +------ cloud (ns ms<pid>k, bridge with 192.0.2.130/26) ---+
#                            nats-server on 192.0.2.130 only
#
# There is no route between the sites: only the bridges on B (site 1) and D
# (site 2, and C for the redundancy case) reach the cloud, and their eth1 has
# multicast off, so the bridges' multicast stays on each site's LAN. Every
# nats-server runs in the cloud namespace, listens on its address there only,
# and is killed by pid when its case ends, also when it fails (the EXIT traps
# of netlib.sh and of each case). Nothing sleeps to synchronise: a bridge is
# ready when it has printed its lines, a reader when a probe reached it.
#
# The login cases (tls, tls_client, token, nkey) each start a server that
# wants one way of logging in, and prove it end to end: the bridge of site 1
# logs in with options, that of site 2 with the environment variables, and a
# message crosses; then bridges with a wrong secret each end at once with a
# clear error and status 1 (login_usage: usage errors, status 2). Their
# certificates (openssl) and nkeys (nkey.py, libsodium) are made in the
# run's temporary directory.
#
# Needs root, ip, unshare, python3, openssl and nats-server; without them,
# SKIP (exit 77) or, in CI and as root, FAIL (tests/lib/strict.sh). Summary
# line: `bridge: N passed, N failed`.
#
# With --bench NET_BENCH (tests/bench/net_bench, built), the benchmark instead
# of the cases: a benchmark, not a test (exit 0 when it measured, whatever
# the figures). One writer on A sends bursts of NET_BRIDGE_BURST messages
# (default 100000) of 64 and 1,024 bytes, as fast as it can and paced at
# NET_BRIDGE_RATE messages per second (default 50000): once to a reader on B,
# the same LAN, no bridge running; once to a reader on C at site 2, through
# the bridges on B and D and nats-server in the cloud. Each row: the writer's
# rate, the reader's rate and loss, the one-way latency p50 and p99 (one
# kernel, one clock); then the ratios of the bridged rows to the LAN's, and
# what the bridges add to p50. The switches do not pass bridged packets to
# netfilter (topo_switch_plain), and the first line gives the CPUs and the
# load average at the start.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NB=
if [ "${1:-}" = --bench ] && [ $# -ge 3 ]; then
    NB=$2
    shift 2
fi
[ $# -ge 1 ] || {
    echo "usage: bridge_test.sh [--bench NET_BENCH] MAILSLOT [CASE...]" >&2
    exit 2
}
MS=$1
shift
CASE=setup
LISTEN_MS=${NET_TEST_LISTEN_MS:-10000}
PROBE=probe
NATSPUB=$HERE/natspub.py

# shellcheck source=../lib/strict.sh
. "$HERE/../lib/strict.sh"

skip() {
    local rc=0
    ms_cannot_run "$@" || rc=$?
    exit "$rc"
}

preflight() {
    [ "$(id -u)" -eq 0 ] || skip "the bridge tests need root (network namespaces)"
    local c
    for c in ip unshare python3 timeout tail ss nats-server openssl; do
        command -v "$c" >/dev/null 2>&1 || skip "the bridge tests need '$c'"
    done
    ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
    if "$MS" bridge --help 2>&1 | grep -qF "built without NATS"; then
        skip "$MS was built without NATS (libnats-dev)"
    fi
}

# shellcheck source=netlib.sh
. "$HERE/netlib.sh"

HOSTS=(a b c d)
NS=([a]="ms${RUN}a" [b]="ms${RUN}b" [c]="ms${RUN}c" [d]="ms${RUN}d"
    [s1]="ms${RUN}s1" [s2]="ms${RUN}s2" [k]="ms${RUN}k")
ADDR=([a]=192.0.2.11 [b]=192.0.2.12 [c]=192.0.2.71 [d]=192.0.2.72)
declare -A CLOUD_ADDR=([b]=192.0.2.131 [d]=192.0.2.132 [c]=192.0.2.133)
declare -A SITE_OF=([a]=s1 [b]=s1 [c]=s2 [d]=s2)
HOSTNAME_OF=([a]=hosta [b]=hostb [c]=hostc [d]=hostd [k]=cloud)
NATS_ADDR=192.0.2.130
NATS_PORT=4222
NATS_URL=nats://$NATS_ADDR:$NATS_PORT
NATS_USER=site
NATS_PASSWORD=s3cret-$RUN

net_fail() {
    net_log "FAIL [$CASE]: $*"
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    exec 2>/dev/null
    [ -z "${CASE_PID:-}" ] || kill -KILL "$CASE_PID"
    topo_down
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
    exit "$rc"
}

# to_cloud HOST: a second veth from HOST to the cloud, multicast off.
to_cloud() {
    local h=$1 ns=${NS[$1]}
    # shellcheck disable=SC2015 # any step failing is fatal
    ip -n "$ns" link add eth1 type veth peer name "k$h" netns "${NS[k]}" &&
        ip -n "$ns" link set eth1 multicast off &&
        ip -n "$ns" addr add "${CLOUD_ADDR[$h]}/26" dev eth1 &&
        ip -n "$ns" link set eth1 up &&
        ip -n "${NS[k]}" link set "k$h" master br0 &&
        ip -n "${NS[k]}" link set "k$h" up ||
        net_die "cannot wire host $h to the cloud"
}

bridge_topo_up() {
    local h
    printf '127.0.0.1\tlocalhost\n' >"$tmp/hosts"
    for h in a b c d; do printf '%s\t%s\n' "${ADDR[$h]}" "${HOSTNAME_OF[$h]}" >>"$tmp/hosts"; done
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$tmp/resolv.conf"
    topo_switch "${NS[s1]}"
    topo_switch "${NS[s2]}"
    topo_switch "${NS[k]}"
    ip -n "${NS[k]}" addr add "$NATS_ADDR/26" dev br0 || net_die "cannot address the cloud"
    for h in a b c d; do
        topo_ns_add "${NS[$h]}"
        topo_wire "$h" "${SITE_OF[$h]}" 26
    done
    for h in b c d; do to_cloud "$h"; done
    for h in a b c d; do wait_until "eth0 of host $h to be up" link_up "$h"; done
}

# ---- the broker ---------------------------------------------------------------

# nats_config FILE [EXTRA]: a server on the cloud's address only, with an
# explicit account and user (not the implicit $G account: CVE-2023-47090).
nats_config() {
    cat >"$1" <<EOF
listen: $NATS_ADDR:$NATS_PORT
accounts: {
  MAILSLOT: { users: [ { user: $NATS_USER, password: "$NATS_PASSWORD" } ] }
}
${2:-}
EOF
}

# nats_start [CONFIG]: runs nats-server in the cloud; NATS_PID is its pid.
nats_start() {
    local conf=${1:-$tmp/nats.conf}
    [ -f "$conf" ] || nats_config "$conf"
    bg_on k "$tmp/$CASE.nats.out" "$tmp/$CASE.nats.err" nats-server -c "$conf"
    NATS_PID=$BG_PID
    CASE_PIDS+=("$BG_PID")
    wait_until "nats-server to listen" nats_listening
}

nats_listening() {
    alive "$NATS_PID" || net_fail "nats-server ended: $(tail -c 2000 "$tmp/$CASE.nats.err")"
    ip netns exec "${NS[k]}" ss -Htln "sport = :$NATS_PORT" | grep -q .
}

nats_stop() {
    kill -TERM "$NATS_PID" 2>/dev/null
    wait_exit "$NATS_PID" "nats-server"
}

# ---- bridges and readers --------------------------------------------------------

declare -A BPID=() BOUT=() LPID=() LOUT=() LERR=() BRIDGE_URL=()
CASE_PIDS=()
# How bridge_on's bridges log in: these options, and these variables in their
# environment (a case may change them between its bridges).
BRIDGE_LOGIN=(--user "$NATS_USER" --password "$NATS_PASSWORD")
BRIDGE_ENV=()

# bridge_on HOST [OPTION...]: `mailslot bridge` on HOST (eth0 only), ready
# once it forwards and has subscribed. Its server is BRIDGE_URL[HOST], else
# NATS_URL; with BRIDGE_URL[HOST]=env, no --nats (MAILSLOT_NATS_URL in BRIDGE_ENV).
bridge_on() {
    local h=$1 nats=(--nats "${BRIDGE_URL[$1]:-$NATS_URL}")
    shift
    [ "${BRIDGE_URL[$h]:-}" != env ] || nats=()
    BOUT[$h]=$tmp/$CASE.$h.bridge
    bg_on "$h" "${BOUT[$h]}" "${BOUT[$h]}.err" env MAILSLOT_INTERFACE=eth0 "${BRIDGE_ENV[@]}" \
        "$MS" bridge "${nats[@]}" "${BRIDGE_LOGIN[@]}" "$@"
    BPID[$h]=$BG_PID
    CASE_PIDS+=("$BG_PID")
    wait_line "${BOUT[$h]}" "forwarding udp port $PORT" "$BG_PID" "bridge on $h" "${BOUT[$h]}.err"
    wait_line "${BOUT[$h]}" "nats: subscribed" "$BG_PID" "bridge on $h" "${BOUT[$h]}.err"
}

# bridge_stop HOST: SIGTERM, exit 0; its last counters in BSTAT.
declare -A BSTAT=()
bridge_stop() {
    local h=$1
    kill -TERM "${BPID[$h]}"
    wait_exit "${BPID[$h]}" "bridge on $h"
    [ "$STATUS" -eq 0 ] || net_fail "bridge on $h exited $STATUS: $(cat "${BOUT[$h]}.err")"
    bridge_counters "$h"
}

# bridge_counters HOST: the last `bridge:` line of HOST's bridge, into BSTAT.
bridge_counters() {
    local h=$1 line field value
    line=$(grep '^bridge: ' "${BOUT[$h]}" | tail -n 1)
    [ -n "$line" ] || net_fail "bridge on $h printed no counters: $(cat "${BOUT[$h]}")"
    BSTAT=()
    BLINE="$h: $line"
    line=${line#bridge: }
    while IFS= read -r field; do
        value=${field##* }
        BSTAT[${field% *}]=$value
    done < <(printf '%s\n' "${line//, /$'\n'}")
}

# bstat_is NAME VALUE: a counter of the last bridge_counters.
bstat_is() {
    [ "${BSTAT[$1]:-}" = "$2" ] || net_fail "bridge counter '$1': want $2; got $BLINE"
}

msname() { printf '\\\\%s\\mailslot\\%s' "$1" "$2"; }

new_slot() {
    SLOTS=$((${SLOTS:-0} + 1))
    slot="b${RUN}_${CASE}_${SLOTS}"
}

# listen_on HOST SLOT [OPTION...]: a reader, returning once it has read a
# probe (which its --count counts).
listen_on() {
    local h=$1 s=$2 k=$1/$2 err=$tmp/$CASE.probe.err
    shift 2
    LOUT[$k]=$tmp/$CASE.$h.$s.out
    LERR[$k]=$tmp/$CASE.$h.$s.err
    bg_on "$h" "${LOUT[$k]}" "${LERR[$k]}" "$MS" listen "$s" "$@"
    LPID[$k]=$BG_PID
    CASE_PIDS+=("$BG_PID")
    local end=$((SECONDS + DEADLINE))
    until on "$h" "$MS" send "$(msname . "$s")" "$PROBE" </dev/null 2>"$err"; do
        grep -qF "no reader owns" "$err" || net_fail "probe of $s on $h failed: $(cat "$err")"
        alive "${LPID[$k]}" || net_fail "listener $s on $h ended early: $(cat "${LERR[$k]}")"
        [ "$SECONDS" -lt "$end" ] || net_fail "listener $s on $h not ready after ${DEADLINE}s"
    done
}

# expect_listener HOST SLOT LINE...: exits 0 having printed exactly the probe
# and these lines, in any order.
expect_listener() {
    local h=$1 s=$2 k=$1/$2
    shift 2
    wait_exit "${LPID[$k]}" "listener $s on $h"
    local status=$STATUS
    printf '%s\n' "$PROBE" "$@" | LC_ALL=C sort >"$tmp/expected"
    LC_ALL=C sort "${LOUT[$k]}" >"$tmp/got"
    if [ "$status" -ne 0 ] || ! cmp -s "$tmp/expected" "$tmp/got"; then
        net_fail "listener $s on $h: status $status (want 0), stderr: $(cat "${LERR[$k]}")
  expected (any order): $(tr '\n' '|' <"$tmp/expected" | head -c 1000)
  got (in order):       $(tr '\n' '|' <"${LOUT[$k]}" | head -c 1000)"
    fi
}

send_ok() {
    local h=$1
    shift
    on "$h" "$MS" send "$@" >"$tmp/send.out" 2>"$tmp/send.err" ||
        net_fail "send $1 from $h failed ($?): $(cat "$tmp/send.err")"
}

case_cleanup() {
    local pid ns pids
    for pid in "${CASE_PIDS[@]}"; do
        [ -z "${REAPED[$pid]:-}" ] || continue
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    for ns in "${NS[a]}" "${NS[b]}" "${NS[c]}" "${NS[d]}" "${NS[k]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086 # a list of pids
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
    done
    kill_helpers
}

# ---- cases -----------------------------------------------------------------------

# bridge_fails WHAT TEXT [VAR=VALUE...] -- OPTION...: a bridge on B with
# these variables and options ends at once with status 1, TEXT in its error.
bridge_fails() { bridge_ends 1 "$@"; }

# bridge_ends STATUS WHAT TEXT [VAR=VALUE...] -- OPTION...: as bridge_fails,
# with this status. ENDED_ERR is the file of its error.
bridge_ends() {
    local want=$1 what=$2 text=$3 envs=()
    shift 3
    while [ "$1" != -- ]; do
        envs+=("$1")
        shift
    done
    shift
    FAILS=$((${FAILS:-0} + 1))
    local out=$tmp/$CASE.fails$FAILS
    ENDED_ERR=$out.err
    bg_on b "$out" "$out.err" env "${envs[@]}" "$MS" bridge "$@"
    local pid=$BG_PID
    CASE_PIDS+=("$pid")
    wait_exit "$pid" "bridge $what"
    [ "$STATUS" -eq "$want" ] ||
        net_fail "bridge $what: status $STATUS (want $want); stderr: $(cat "$out.err")"
    grep -qF -- "$text" "$out.err" || net_fail "bridge $what: no '$text' in stderr: $(cat "$out.err")"
}

# A wrong password: a clear error naming the refusal, status 1, at once.
t_auth_refused() {
    nats_start
    bridge_fails "with a wrong password" "NATS refused the connection to $NATS_URL: Authorization Violation" \
        -- --nats "$NATS_URL" --user "$NATS_USER" --password wrong
}

# Logins given by halves, or two at once, are usage errors (status 2) that
# name the options and their variables, whichever of them the error came from.
t_login_usage() {
    local url=(--nats "$NATS_URL")
    bridge_ends 2 "with a user and no password" "--user and --password go together" \
        -- "${url[@]}" --user "$NATS_USER"
    bridge_ends 2 "with a password from the environment and no user" \
        "--user and --password go together (MAILSLOT_NATS_USER, MAILSLOT_NATS_PASSWORD)" \
        MAILSLOT_NATS_PASSWORD=p -- "${url[@]}"
    bridge_ends 2 "with an nkey and no seed" \
        "--nkey and --nkey-seed go together (MAILSLOT_NATS_NKEY, MAILSLOT_NATS_NKEY_SEED)" \
        -- "${url[@]}" --nkey UXXX
    bridge_ends 2 "with a client certificate and no key" \
        "--tls-cert and --tls-key go together (MAILSLOT_NATS_TLS_CERT, MAILSLOT_NATS_TLS_KEY)" \
        MAILSLOT_NATS_TLS_CERT=c.pem -- "${url[@]}"
    bridge_ends 2 "with a token and a user from the environment" \
        "give one of --user, --token and --nkey (MAILSLOT_NATS_USER, MAILSLOT_NATS_TOKEN, MAILSLOT_NATS_NKEY)" \
        MAILSLOT_NATS_USER=u MAILSLOT_NATS_PASSWORD=p -- "${url[@]}" --token t
    bridge_ends 2 "without a server" "no NATS server: give --nats or MAILSLOT_NATS_URL" -- --token t
    bridge_ends 2 "with a pending limit of 0" "--pending-limit needs a number from 1 to 16777216" \
        -- "${url[@]}" --pending-limit 0
}

# tls_files: in $tmp/tls, made once a run (EC keys: quick): a CA, the
# server's certificate for NATS_ADDR, a "stranger" server's for another
# address and a client certificate, all three signed by it, and another CA,
# "rogue", with a client certificate of its own.
tls_files() {
    local d=$tmp/tls ca name signer ext
    [ ! -f "$d/done" ] || return 0
    mkdir -p "$d" || net_fail "cannot create $d"
    for ca in ca rogue; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
            -keyout "$d/$ca.key" -out "$d/$ca.pem" -subj "/CN=mailslot test $ca" 2>"$d/err" ||
            net_fail "openssl failed: $(cat "$d/err")"
    done
    while read -r name signer ext; do
        # shellcheck disable=SC2015 # any step failing is fatal
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$d/$name.key" -out "$d/$name.csr" -subj "/CN=mailslot test $name" 2>"$d/err" &&
            printf '%s\n' "$ext" >"$d/$name.ext" &&
            openssl x509 -req -in "$d/$name.csr" -CA "$d/$signer.pem" -CAkey "$d/$signer.key" \
                -CAcreateserial -days 1 -extfile "$d/$name.ext" -out "$d/$name.pem" 2>"$d/err" ||
            net_fail "openssl failed: $(cat "$d/err")"
    done <<EOF
server ca subjectAltName=IP:$NATS_ADDR
stranger ca subjectAltName=IP:192.0.2.99
client ca extendedKeyUsage=clientAuth
rclient rogue extendedKeyUsage=clientAuth
EOF
    : >"$d/done"
}

# TLS asked of a server without it, a CA file and a client key that do not
# exist, and a directory for a client certificate: each a clear error and
# status 1.
t_tls_refused() {
    nats_start
    tls_files
    bridge_fails "with TLS to a server without it" "NATS refused the connection to $NATS_URL: " \
        -- --nats "$NATS_URL" --user "$NATS_USER" --password "$NATS_PASSWORD" --tls-ca "$tmp/tls/ca.pem"
    bridge_fails "with a missing CA file" \
        "bad NATS settings: --tls-ca: cannot read '$tmp/none.pem': No such file or directory" \
        -- --nats "$NATS_URL" --tls-ca "$tmp/none.pem"
    bridge_fails "with a missing client key" \
        "bad NATS settings: --tls-key: cannot read '$tmp/none.key': No such file or directory" \
        -- --nats "$NATS_URL" --tls-cert "$tmp/tls/client.pem" --tls-key "$tmp/none.key"
    bridge_fails "with a directory for a client certificate" \
        "bad NATS settings: --tls-cert: cannot read '$tmp': Is a directory" \
        -- --nats "$NATS_URL" --tls-cert "$tmp" --tls-key "$tmp/tls/client.key"
}

# crosses: a message from A (site 1) reaches a reader on C (site 2), through
# the bridges on B and D: both are logged in.
crosses() {
    new_slot
    listen_on c "$slot" --count 2 --timeout "$LISTEN_MS"
    send_ok a "$(msname '*' "$slot")" crossed
    expect_listener c "$slot" crossed
}

# A server with TLS: site 1's bridge checks its certificate with --tls-ca,
# site 2's with MAILSLOT_NATS_TLS_CA, and has its server (a tls:// URL, as in
# mailslot-bridge.service) and password from its environment too; a message
# crosses. A bridge that trusts another CA refuses the server; one that
# trusts its CA refuses a server whose certificate, signed by that CA, names
# another address.
t_tls() {
    tls_files
    local d=$tmp/tls
    nats_config "$tmp/tls.conf" "tls: { cert_file: \"$d/server.pem\", key_file: \"$d/server.key\" }"
    nats_start "$tmp/tls.conf"
    bridge_on b --tls-ca "$d/ca.pem"
    BRIDGE_URL[d]="env"
    BRIDGE_LOGIN=()
    BRIDGE_ENV=("MAILSLOT_NATS_URL=tls://$NATS_ADDR:$NATS_PORT" "MAILSLOT_NATS_USER=$NATS_USER"
        "MAILSLOT_NATS_PASSWORD=$NATS_PASSWORD" "MAILSLOT_NATS_TLS_CA=$d/ca.pem")
    bridge_on d
    grep -qxF "nats: connected to tls://$NATS_ADDR:$NATS_PORT" "${BOUT[d]}" ||
        net_fail "bridge on d: no connected line: $(cat "${BOUT[d]}")"
    crosses
    local login=(--nats "$NATS_URL" --user "$NATS_USER" --password "$NATS_PASSWORD")
    bridge_fails "trusting another CA" "NATS refused the connection to $NATS_URL: SSL handshake error: " \
        -- "${login[@]}" --tls-ca "$d/rogue.pem"
    nats_stop
    nats_config "$tmp/stranger.conf" "tls: { cert_file: \"$d/stranger.pem\", key_file: \"$d/stranger.key\" }"
    nats_start "$tmp/stranger.conf"
    bridge_fails "to a server named otherwise" "NATS refused the connection to $NATS_URL: SSL handshake error: " \
        -- "${login[@]}" --tls-ca "$d/ca.pem"
    grep -qF "mismatch" "$ENDED_ERR" ||
        net_fail "bridge to a server named otherwise: not refused for its name: $(cat "$ENDED_ERR")"
}

# A server that wants client certificates signed by its CA (verify: true):
# site 1's bridge gives one with --tls-cert and --tls-key, site 2's with
# MAILSLOT_NATS_TLS_CERT and MAILSLOT_NATS_TLS_KEY; a message crosses. A
# certificate of another CA, and none, are refused: a clear error, status 1.
t_tls_client() {
    tls_files
    local d=$tmp/tls
    nats_config "$tmp/mtls.conf" "tls: { cert_file: \"$d/server.pem\", key_file: \"$d/server.key\",
  ca_file: \"$d/ca.pem\", verify: true }"
    nats_start "$tmp/mtls.conf"
    bridge_on b --tls-ca "$d/ca.pem" --tls-cert "$d/client.pem" --tls-key "$d/client.key"
    BRIDGE_ENV=("MAILSLOT_NATS_TLS_CA=$d/ca.pem" "MAILSLOT_NATS_TLS_CERT=$d/client.pem"
        "MAILSLOT_NATS_TLS_KEY=$d/client.key")
    bridge_on d
    crosses
    local login=(--nats "$NATS_URL" --user "$NATS_USER" --password "$NATS_PASSWORD" --tls-ca "$d/ca.pem")
    bridge_fails "with a client certificate of another CA" "does not accept the client certificate" \
        -- "${login[@]}" --tls-cert "$d/rclient.pem" --tls-key "$d/rclient.key"
    bridge_fails "without a client certificate" "does not accept the client certificate" -- "${login[@]}"
}

# Token login: site 1's bridge with --token (and a wrong token in its
# environment, which the option overrides), site 2's with
# MAILSLOT_NATS_TOKEN; a message crosses. A wrong token is refused. (A token
# logs in to the global account: this server has no other.)
t_token() {
    local token=t0ken-$RUN
    printf 'listen: %s:%s\nauthorization: { token: "%s" }\n' "$NATS_ADDR" "$NATS_PORT" "$token" \
        >"$tmp/token.conf"
    nats_start "$tmp/token.conf"
    BRIDGE_LOGIN=(--token "$token")
    BRIDGE_ENV=(MAILSLOT_NATS_TOKEN=wrong)
    bridge_on b
    BRIDGE_LOGIN=()
    BRIDGE_ENV=("MAILSLOT_NATS_TOKEN=$token")
    bridge_on d
    crosses
    bridge_fails "with a wrong token" "NATS refused the connection to $NATS_URL: Authorization Violation" \
        -- --nats "$NATS_URL" --token "wrong-$token"
}

# Nkey login, with keys made by nkey.py (which checks its encoding against
# published pairs first): site 1's bridge with --nkey and --nkey-seed, site
# 2's with MAILSLOT_NATS_NKEY and MAILSLOT_NATS_NKEY_SEED; a message crosses.
# The seed of another key is refused by the server; a seed file that is
# missing, or a directory (given by its variable; root reads a file of mode
# 000), by the bridge itself.
t_nkey() {
    local keys pub other
    keys=$(python3 "$HERE/nkey.py" new "$tmp/user.seed" "$tmp/other.seed") ||
        net_fail "nkey.py failed"
    { read -r pub && read -r other; } <<<"$keys"
    [[ $pub == U* && $other == U* && $pub != "$other" ]] || net_fail "nkey.py made: $keys"
    cat >"$tmp/nkey.conf" <<EOF
listen: $NATS_ADDR:$NATS_PORT
accounts: {
  MAILSLOT: { users: [ { nkey: $pub } ] }
}
EOF
    nats_start "$tmp/nkey.conf"
    BRIDGE_LOGIN=(--nkey "$pub" --nkey-seed "$tmp/user.seed")
    bridge_on b
    BRIDGE_LOGIN=()
    BRIDGE_ENV=("MAILSLOT_NATS_NKEY=$pub" "MAILSLOT_NATS_NKEY_SEED=$tmp/user.seed")
    bridge_on d
    crosses
    bridge_fails "with another key's seed" "NATS refused the connection to $NATS_URL: Authorization Violation" \
        -- --nats "$NATS_URL" --nkey "$pub" --nkey-seed "$tmp/other.seed"
    bridge_fails "with a missing seed file" \
        "bad NATS settings: --nkey-seed: cannot read '$tmp/none.seed': No such file or directory" \
        -- --nats "$NATS_URL" --nkey "$pub" --nkey-seed "$tmp/none.seed"
    bridge_fails "with a directory for a seed file" \
        "bad NATS settings: --nkey-seed: cannot read '$tmp': Is a directory" \
        "MAILSLOT_NATS_NKEY=$pub" "MAILSLOT_NATS_NKEY_SEED=$tmp" -- --nats "$NATS_URL"
}

# The state lines and the counters, on SIGUSR1 and on exit.
t_states() {
    nats_start
    bridge_on b
    grep -qxF "nats: connected to $NATS_URL" "${BOUT[b]}" ||
        net_fail "no connected line: $(cat "${BOUT[b]}")"
    kill -USR1 "${BPID[b]}"
    wait_line "${BOUT[b]}" "bridge: published 0, received 0, re-sent 0, loops dropped 0, dropped while disconnected 0, slow-consumer drops 0, refused 0, queue full 0" \
        "${BPID[b]}" "counters on SIGUSR1" "${BOUT[b]}.err"
    bridge_stop b
    bstat_is published 0
}

# \\* from A (site 1) and from C (site 2) reaches the readers on A, B, C and D
# exactly once each; the bridges count what crossed and no loop.
t_star() {
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    local h
    for h in a b c d; do listen_on "$h" "$slot" --count 3 --timeout "$LISTEN_MS"; done
    send_ok a "$(msname '*' "$slot")" "from-a"
    send_ok c "$(msname '*' "$slot")" "from-c"
    for h in a b c d; do expect_listener "$h" "$slot" from-a from-c; done
    bridge_stop b
    bstat_is published 1
    bstat_is received 1
    bstat_is re-sent 1
    bstat_is "loops dropped" 0
    bstat_is refused 0
    bridge_stop d
    bstat_is published 1
    bstat_is received 1
    bstat_is re-sent 1
    bstat_is "loops dropped" 0
}

# A write to a domain reaches its members at both sites, and no other host:
# A is in "sales", C in "ops", the bridge hosts B and D in both; "eng", which
# no bridge carries, stays at site 1 (where nobody is a member).
t_domain() {
    DOMAIN=([a]=sales [b]=sales,ops [c]=ops [d]=sales,ops)
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    local h
    for h in a c; do listen_on "$h" "$slot" --count 3 --timeout "$LISTEN_MS"; done
    for h in b d; do listen_on "$h" "$slot" --count 4 --timeout "$LISTEN_MS"; done
    send_ok a "$(msname sales "$slot")" "to-sales"
    send_ok a "$(msname ops "$slot")" "to-ops"
    send_ok a "$(msname eng "$slot")" "to-eng"
    send_ok a "$(msname '*' "$slot")" "end"
    expect_listener a "$slot" to-sales end
    expect_listener c "$slot" to-ops end
    for h in b d; do expect_listener "$h" "$slot" to-sales to-ops end; done
    bridge_stop b
    bstat_is published 3
    bridge_stop d
    bstat_is received 3
    bstat_is re-sent 3
}

# 1,000 messages from A: each reaches C once, and no bridge sends any back.
t_no_loop() {
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    listen_on c "$slot" --count 1001 --timeout "$LISTEN_MS"
    seq 1 1000 >"$tmp/lines"
    on a "$MS" send "$(msname '*' "$slot")" <"$tmp/lines" >/dev/null 2>"$tmp/send.err" ||
        net_fail "send of 1000 lines failed: $(cat "$tmp/send.err")"
    # shellcheck disable=SC2046 # the lines
    expect_listener c "$slot" $(cat "$tmp/lines")
    bridge_stop b
    bstat_is published 1000
    bstat_is received 0
    bstat_is "loops dropped" 0
    bridge_stop d
    bstat_is received 1000
    bstat_is re-sent 1000
    bstat_is published 0
    bstat_is "loops dropped" 0
}

key_file() {
    (umask 077 && printf 'key %s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$tmp/$1.key")
}

# stats_are HOST SLOT NAME=VALUE...: `mailslot stats SLOT` on HOST shows these.
stats_are() {
    local h=$1 s=$2 kv
    shift 2
    on "$h" "$MS" stats "$s" >"$tmp/stats.out" 2>"$tmp/stats.err" ||
        net_fail "stats $s on $h failed: $(cat "$tmp/stats.err")"
    for kv in "$@"; do
        grep -qx -- "${kv%%=*}: ${kv#*=}" "$tmp/stats.out" ||
            net_fail "stats $s on $h: want ${kv%%=*}: ${kv#*=}; got: $(tr '\n' ' ' <"$tmp/stats.out")"
    done
}

# subject_of SLOT: the subject of \\*\mailslot\SLOT (PROTOCOL.md 10.2).
subject_of() { printf 'ms.v1.a._.%s' "${1//_/%5f}"; }

natspub() {
    python3 "$NATSPUB" "$@" --user "$NATS_USER" --password "$NATS_PASSWORD"
}

# Keys end to end: a reader with key K at site 2 takes what a writer signed,
# and what it signed and encrypted, with K at site 1; it drops an unsigned
# message (not authenticated) that a reader without keys takes.
t_keys() {
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    key_file k
    local to
    to=$(msname '*' "$slot")
    bg_on c "$tmp/kc.out" "$tmp/kc.err" env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" listen "$slot" \
        --count 3 --timeout "$LISTEN_MS"
    LOUT[c/$slot]=$tmp/kc.out LERR[c/$slot]=$tmp/kc.err LPID[c/$slot]=$BG_PID
    CASE_PIDS+=("$BG_PID")
    until on c env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" send "$(msname . "$slot")" "$PROBE" \
        2>/dev/null; do alive "$BG_PID" || net_fail "keyed listener ended: $(cat "$tmp/kc.err")"; done
    listen_on d "$slot" --count 3 --timeout "$LISTEN_MS"
    on a env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" send "$to" signed >/dev/null ||
        net_fail "keyed send failed"
    send_ok a "$to" unsigned
    on a env "MAILSLOT_KEY_FILE=$tmp/k.key" MAILSLOT_SUITE=2 "$MS" send "$to" encrypted >/dev/null ||
        net_fail "encrypted send failed"
    expect_listener c "$slot" signed encrypted
    expect_listener d "$slot" signed unsigned # without keys: suite 2 is an unknown version
}

# A keyed message altered in transit is dropped as a bad tag at site 2. A
# subscriber in the cloud captures a signed message of A's while site 2 has
# no bridge yet; then, with site 2's bridge up, publishes it with a payload
# byte flipped, and then as it was: the reader takes the second only.
t_altered() {
    nats_start
    bridge_on b
    new_slot
    key_file k
    bg_on k "$tmp/cap.out" "$tmp/cap.err" python3 "$NATSPUB" capture "$NATS_ADDR:$NATS_PORT" \
        "$(subject_of "$slot")" "$tmp/captured" --user "$NATS_USER" --password "$NATS_PASSWORD"
    local cap=$BG_PID
    CASE_PIDS+=("$cap")
    wait_line "$tmp/cap.out" subscribed "$cap" "the capturing subscriber" "$tmp/cap.err"
    on a env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" send "$(msname '*' "$slot")" signed >/dev/null ||
        net_fail "keyed send failed"
    wait_exit "$cap" "the capturing subscriber"
    [ "$STATUS" -eq 0 ] || net_fail "capture failed: $(cat "$tmp/cap.err")"
    bridge_on d
    bg_on c "$tmp/kc.out" "$tmp/kc.err" env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" listen "$slot" \
        --count 3 --timeout "$LISTEN_MS"
    LOUT[c/$slot]=$tmp/kc.out LERR[c/$slot]=$tmp/kc.err LPID[c/$slot]=$BG_PID
    CASE_PIDS+=("$BG_PID")
    until on c env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" send "$(msname . "$slot")" "$PROBE" \
        2>/dev/null; do alive "$BG_PID" || net_fail "keyed listener ended: $(cat "$tmp/kc.err")"; done
    local first=$((24 + ${#slot})) # the payload's first byte (PROTOCOL.md section 2)
    on k python3 "$NATSPUB" pub "$NATS_ADDR:$NATS_PORT" "$(subject_of "$slot")" "@$tmp/captured" \
        --flip "$first" --user "$NATS_USER" --password "$NATS_PASSWORD" || net_fail "publish failed"
    on k python3 "$NATSPUB" pub "$NATS_ADDR:$NATS_PORT" "$(subject_of "$slot")" "@$tmp/captured" \
        --user "$NATS_USER" --password "$NATS_PASSWORD" || net_fail "publish failed"
    wait_line "$tmp/kc.out" signed "${LPID[c/$slot]}" "the keyed reader" "$tmp/kc.err"
    stats_are c "$slot" auth_bad_tag=1 auth_verified=1
    on a env "MAILSLOT_KEY_FILE=$tmp/k.key" "$MS" send "$(msname '*' "$slot")" end >/dev/null ||
        net_fail "keyed send failed"
    expect_listener c "$slot" signed end
    bridge_stop d
    bstat_is received 3
    bstat_is re-sent 3
}

# bridge_shows HOST TEXT: asks HOST's bridge for its counters (SIGUSR1) and
# tells whether its latest counters line has TEXT; for wait_until.
bridge_shows() {
    kill -USR1 "${BPID[$1]}"
    grep '^bridge: ' "${BOUT[$1]}" | tail -n 1 | grep -qF "$2"
}

# lines_are FILE LINE N: FILE has N lines LINE exactly; for wait_until.
lines_are() {
    [ "$(grep -cxF "$2" "$1")" -eq "$3" ]
}

# The broker dies while A sends, and comes back: the bridges reconnect by
# themselves; what A sent meanwhile is dropped and counted at site 1's
# bridge, none of it arrives after the restart, and delivery resumes.
t_broker_restart() {
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    listen_on c "$slot" --count 3 --timeout "$LISTEN_MS"
    local to h
    to=$(msname '*' "$slot")
    send_ok a "$to" before
    wait_line "${LOUT[c/$slot]}" before "${LPID[c/$slot]}" "the reader on c" "${LERR[c/$slot]}"
    kill -KILL "$NATS_PID"
    wait_exit "$NATS_PID" "the killed nats-server"
    for h in b d; do
        wait_line "${BOUT[$h]}" "nats: disconnected; reconnecting" "${BPID[$h]}" "bridge on $h" \
            "${BOUT[$h]}.err"
    done
    send_ok a "$to" during-1
    send_ok a "$to" during-2
    send_ok a "$to" during-3
    wait_until "site 1's bridge to count 3 drops" bridge_shows b "dropped while disconnected 3"
    nats_start
    for h in b d; do
        wait_until "the bridge on $h to reconnect" lines_are "${BOUT[$h]}" "nats: connected to $NATS_URL" 2
    done
    send_ok a "$to" after
    expect_listener c "$slot" before after
    bridge_stop b
    bstat_is published 2
    bstat_is "dropped while disconnected" 3
    bridge_stop d
    bstat_is received 2
    bstat_is re-sent 2
}

# A bridge started before its broker retries until the broker comes.
t_late_broker() {
    BOUT[d]=$tmp/$CASE.d.bridge
    bg_on d "${BOUT[d]}" "${BOUT[d]}.err" "$MS" bridge --nats "$NATS_URL" --user "$NATS_USER" \
        --password "$NATS_PASSWORD"
    BPID[d]=$BG_PID
    CASE_PIDS+=("$BG_PID")
    wait_line "${BOUT[d]}" "nats: cannot reach $NATS_URL; retrying" "${BPID[d]}" "bridge on d" \
        "${BOUT[d]}.err"
    nats_start
    wait_line "${BOUT[d]}" "nats: connected to $NATS_URL" "${BPID[d]}" "bridge on d" "${BOUT[d]}.err"
    bridge_on b
    new_slot
    listen_on c "$slot" --count 2 --timeout "$LISTEN_MS"
    send_ok a "$(msname '*' "$slot")" hello
    expect_listener c "$slot" hello
}

# Two bridges at site 2 (C and D, one queue group): each message from site 1
# is re-sent on site 2's LAN exactly once, by one or the other; the other
# receives the re-send, marked, and publishes nothing.
t_redundancy() {
    nats_start
    bridge_on b --site one
    bridge_on c --site two
    bridge_on d --site two
    new_slot
    local h n=50
    for h in a c d; do listen_on "$h" "$slot" --count $((n + 1)) --timeout "$LISTEN_MS"; done
    seq 1 $n >"$tmp/lines"
    on a "$MS" send "$(msname '*' "$slot")" <"$tmp/lines" >/dev/null 2>"$tmp/send.err" ||
        net_fail "send failed: $(cat "$tmp/send.err")"
    # shellcheck disable=SC2046 # the lines
    for h in a c d; do expect_listener "$h" "$slot" $(cat "$tmp/lines"); done
    bridge_stop b
    bstat_is published $n
    bstat_is received 0
    local resent=0 loops=0
    for h in c d; do
        bridge_stop "$h"
        bstat_is published 0
        resent=$((resent + ${BSTAT[re-sent]}))
        loops=$((loops + ${BSTAT[loops dropped]}))
    done
    [ "$resent" -eq $n ] || net_fail "site 2 re-sent $resent messages, want $n (each once)"
    [ "$loops" -eq $n ] || net_fail "site 2's bridges saw $loops marked re-sends, want $n"
}

# packet_hex KIND TARGET PATH PAYLOAD SEQ [COUNT]: a PROTOCOL.md version 1
# datagram, in hex; with COUNT, COUNT lines: sequence numbers SEQ onwards,
# payloads PAYLOAD followed by the number.
packet_hex() {
    python3 -c 'import struct, sys
k, t, p, m, q = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4].encode(), int(sys.argv[5])
n = int(sys.argv[6]) if len(sys.argv) > 6 else 0
for i in range(max(n, 1)):
    b = m + str(q + i).encode() if n else m
    print((b"MSLT" + struct.pack(">BBBBHH8sI", 1, 0, k, len(t), len(p), len(b), b"\x07" * 8, q + i) + t + p + b).hex())' "$@"
}

# Hostile input from the broker: garbage, an oversize payload, subjects that
# are not a slot's one encoding or do not match their datagram, a datagram to
# a host, and one that carries the bridge's own id. Each is dropped and
# counted, and the bridge keeps running. And a datagram of site 1's LAN sent
# from the network's port (claiming the marker) is not published.
t_hostile() {
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    local subj id good big
    subj=$(subject_of "$slot")
    id=$(sed -n 's/^bridge id //p' "${BOUT[d]}")
    [ -n "$id" ] || net_fail "the bridge on d printed no id: $(cat "${BOUT[d]}")"
    listen_on b "$slot" --count 4 --timeout "$LISTEN_MS"
    listen_on c "$slot" --count 3 --timeout "$LISTEN_MS"
    good=$(packet_hex 0 "" "$slot" from-broker 1)
    big=$(head -c 3000 /dev/zero | od -An -v -tx1 | tr -d ' \n')
    {
        echo "$subj $(printf garbage | od -An -tx1 | tr -d ' \n')"
        echo "$subj $big"
        echo "ms.v1.a._.${slot^^} $good"
        echo "ms.v1.a._.%62${subj#ms.v1.a._.b} $good"
        echo "ms.v1.a._.other $good"
        echo "$subj $(packet_hex 2 hostc "$slot" to-host 2)"
        echo "$subj $(packet_hex 0 "" "$slot" own-id 3) Mailslot-Bridge:$id"
        echo "$subj $good"
    } >"$tmp/hostile"
    on k python3 "$NATSPUB" pubs "$NATS_ADDR:$NATS_PORT" - "$tmp/hostile" \
        --user "$NATS_USER" --password "$NATS_PASSWORD" || net_fail "publish failed"
    # From A, a datagram sent from the network's port: B delivers it, and does
    # not publish it.
    on a python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[2]))
s.sendto(bytes.fromhex(sys.argv[3]), ("239.255.77.83", int(sys.argv[1])))' \
        "$PORT" "${ADDR[a]}" "$(packet_hex 0 "" "$slot" claims-marker 9)" || net_fail "raw send failed"
    # (B takes what carries D's id: its own is another.)
    expect_listener b "$slot" own-id from-broker claims-marker
    send_ok a "$(msname '*' "$slot")" end
    expect_listener c "$slot" from-broker end
    alive "${BPID[d]}" || net_fail "the bridge on d ended: $(cat "${BOUT[d]}.err")"
    bridge_stop d
    bstat_is refused 6 # garbage, oversize, upper case, needless escape, another slot, to a host
    bstat_is "loops dropped" 1 # its own id
    bstat_is received 2        # from-broker and end
    bstat_is re-sent 2
    bridge_stop b
    bstat_is "loops dropped" 1 # the datagram from the network's port
    bstat_is published 1       # end
    bstat_is refused 6
    bstat_is received 2
}

# bridge_accounted HOST N: asks HOST's bridge for its counters (SIGUSR1) and
# tells whether messages received and slow-consumer drops add up to N; for
# wait_until.
bridge_accounted() {
    kill -USR1 "${BPID[$1]}"
    grep '^bridge: ' "${BOUT[$1]}" | tail -n 1 |
        awk -v n="$2" '{ r = $0; sub(/.*received /, "", r); s = $0; sub(/.*slow-consumer drops /, "", s)
                         exit !(r + 0 + s == n) }'
}

# More than the bridge lets wait (--pending-limit 1) at once from the
# broker: the NATS client drops the rest, the bridge counts each as a
# slow-consumer drop, every message is either taken or counted, and the
# bridge keeps running and delivering.
t_slow_consumer() {
    nats_start
    bridge_on b
    bridge_on d --pending-limit 1
    new_slot
    local subj n=5000 flood=$slot
    subj=$(subject_of "$slot")
    packet_hex 0 "" "$slot" m 1 $n | sed "s/^/$subj /" >"$tmp/many"
    on k python3 "$NATSPUB" pubs "$NATS_ADDR:$NATS_PORT" - "$tmp/many" \
        --user "$NATS_USER" --password "$NATS_PASSWORD" || net_fail "publish failed"
    wait_until "the bridge on d to take or drop all $n" bridge_accounted d $n
    bridge_counters d
    [ "${BSTAT[slow-consumer drops]}" -gt 0 ] || net_fail "no slow-consumer drop counted: $BLINE"
    new_slot # (not the flood's: its re-sends may still be on their way)
    listen_on c "$slot" --count 2 --timeout "$LISTEN_MS"
    send_ok a "$(msname '*' "$slot")" after-flood
    expect_listener c "$slot" after-flood
    alive "${BPID[d]}" || net_fail "the bridge on d ended: $(cat "${BOUT[d]}.err")"
    bridge_stop b
    bridge_stop d
    [ $((${BSTAT[received]} + ${BSTAT[slow-consumer drops]})) -eq $((n + 1)) ] ||
        net_fail "taken and dropped do not add up to the $((n + 1)) published ($flood): $BLINE"
}

# leafz_has WHAT: the hub's monitoring page of leaf nodes (subscriptions
# included) has WHAT; for wait_until.
leafz_has() {
    on k python3 -c 'import sys, urllib.request
sys.exit(sys.argv[1] not in urllib.request.urlopen("http://127.0.0.1:8222/leafz?subs=1").read().decode())' "$1"
}

# Federation by NATS: site 1's bridge uses a hub in the cloud, site 2's a
# leaf node on its own host (loopback only) that dials out to the hub. \\*
# crosses both ways, once.
t_leaf() {
    nats_config "$tmp/hub.conf" "http: 127.0.0.1:8222
leafnodes: { listen: $NATS_ADDR:7422 }"
    nats_start "$tmp/hub.conf"
    bridge_on b
    cat >"$tmp/leaf.conf" <<EOF
listen: 127.0.0.1:4223
accounts: {
  MAILSLOT: { users: [ { user: $NATS_USER, password: "$NATS_PASSWORD" } ] }
}
leafnodes: {
  remotes: [ { url: "nats-leaf://$NATS_USER:$NATS_PASSWORD@$NATS_ADDR:7422", account: MAILSLOT } ]
}
EOF
    bg_on d "$tmp/leaf.out" "$tmp/leaf.err" nats-server -c "$tmp/leaf.conf"
    local leaf=$BG_PID
    CASE_PIDS+=("$leaf")
    wait_until "the leaf node to join the hub" leafz_has '"leafnodes": 1'
    BRIDGE_URL[d]=nats://127.0.0.1:4223
    bridge_on d
    wait_until "the hub to learn site 2's subscription" leafz_has 'ms.v1.a._.*'
    new_slot
    local h
    for h in a c; do listen_on "$h" "$slot" --count 3 --timeout "$LISTEN_MS"; done
    send_ok a "$(msname '*' "$slot")" from-a
    send_ok c "$(msname '*' "$slot")" from-c
    for h in a c; do expect_listener "$h" "$slot" from-a from-c; done
    bridge_stop d
    bstat_is published 1
    bstat_is received 1
    bridge_stop b
    bstat_is published 1
    bstat_is received 1
}

# Two copies, one delivery: two bridges at site 2 without a common site (no
# queue group) both receive each message and both re-send it, so the readers
# on C and D each get it from their own bridge and again from the other's
# re-send; the sender id and sequence, which crossed the broker unchanged,
# make it one message.
t_dedup() {
    nats_start
    bridge_on b
    bridge_on c
    bridge_on d
    new_slot
    local h n=20
    for h in c d; do listen_on "$h" "$slot" --count $((n + 1)) --timeout "$LISTEN_MS"; done
    seq 1 $n >"$tmp/lines"
    on a "$MS" send "$(msname '*' "$slot")" <"$tmp/lines" >/dev/null 2>"$tmp/send.err" ||
        net_fail "send failed: $(cat "$tmp/send.err")"
    # shellcheck disable=SC2046 # the lines
    for h in c d; do expect_listener "$h" "$slot" $(cat "$tmp/lines"); done
    for h in c d; do
        bridge_stop "$h"
        bstat_is re-sent $n
        bstat_is "loops dropped" $n # the other's re-sends, marked
        bstat_is published 0
    done
}

# feed_idle HOST: no writer's connection to the feed's name is open on HOST
# (the bridge closed those of writers that ended); for wait_until.
feed_idle() {
    ! ip netns exec "${NS[$1]}" ss -Hx state established | grep -qF "@mailslot-bridge/$PORT "
}

# A write on a bridge's own host crosses too: the host's multicast does not
# come back to it, so its writers hand their packets to the bridge
# (ms_plat_bridge_feed). B writes to \\* and to its domain, D to \\*: every host
# gets each message once, the writer's host too (its bridge delivers none of
# what it was handed). Once B's bridge has stopped, B's writes still reach
# its LAN.
t_bridge_host() {
    DOMAIN=([a]=sales [b]=sales [c]=sales [d]=sales)
    nats_start
    bridge_on b
    bridge_on d
    new_slot
    local h
    for h in a b c d; do listen_on "$h" "$slot" --count 4 --timeout "$LISTEN_MS"; done
    send_ok b "$(msname '*' "$slot")" from-b
    send_ok b "$(msname sales "$slot")" sales-from-b
    send_ok d "$(msname '*' "$slot")" from-d
    for h in a b c d; do expect_listener "$h" "$slot" from-b sales-from-b from-d; done
    wait_until "the bridge on b to close the connections of writers that ended" feed_idle b
    bridge_stop b
    bstat_is published 2
    bstat_is received 1
    bridge_stop d
    bstat_is published 1
    bstat_is received 2
    new_slot
    listen_on a "$slot" --count 2 --timeout "$LISTEN_MS"
    send_ok b "$(msname '*' "$slot")" no-bridge
    expect_listener a "$slot" no-bridge
}

# feed_stand_in HOST: a program on HOST that listens on the feed's name
# (bridgefeed.h) and never reads.
feed_stand_in() {
    bg_on "$1" "$tmp/feed.out" "$tmp/feed.err" python3 "$HERE/feedsink.py" hold "$PORT"
    CASE_PIDS+=("$BG_PID")
    wait_line "$tmp/feed.out" listening "$BG_PID" "the stand-in bridge" "$tmp/feed.err"
}

# A bridge that takes nothing from its feed (a stand-in that listens on the
# feed's name and never reads): the writer on its host sends more than any
# send buffer holds (3,000 messages of 1,000 bytes), drops the copies that
# do not fit, never waits, and its next message reaches its LAN.
t_feed_full() {
    feed_stand_in b
    new_slot
    local burst=${slot}_burst
    listen_on a "$slot" --count 2 --timeout "$LISTEN_MS"
    python3 -c 'import sys; sys.stdout.write(("x" * 1000 + "\n") * 3000)' >"$tmp/lines"
    on b "$MS" send "$(msname '*' "$burst")" <"$tmp/lines" >/dev/null 2>"$tmp/send.err" ||
        net_fail "the burst did not go out ($?): $(cat "$tmp/send.err")"
    send_ok b "$(msname '*' "$slot")" after-burst
    expect_listener a "$slot" after-burst
}

# Another program holds the feed's name on the bridge's host: the bridge
# says it cannot take that host's own writes, and carries its LAN's all the
# same.
t_feed_taken() {
    feed_stand_in b
    nats_start
    bridge_on b
    wait_line "${BOUT[b]}.err" "mailslot: the bridge cannot take this host's own writes: Address already in use" \
        "${BPID[b]}" "the warning of the bridge on b" "${BOUT[b]}.err"
    bridge_on d
    new_slot
    listen_on c "$slot" --count 2 --timeout "$LISTEN_MS"
    send_ok a "$(msname '*' "$slot")" from-a
    expect_listener c "$slot" from-a
    bridge_stop b
    bstat_is published 1
}

ALL_CASES=(auth_refused login_usage tls_refused tls tls_client token nkey states star domain no_loop keys
    altered broker_restart late_broker redundancy dedup hostile slow_consumer leaf bridge_host
    feed_full feed_taken)

run_case() {
    CASE=$1
    net_run_case "bridge.$1" "t_$1"
}

# ---- the benchmark ------------------------------------------------------------

field() {
    local re="(^| )$2=([^ ]*)"
    [[ $1 =~ $re ]] || net_fail "no $2 in: $1"
    printf '%s' "${BASH_REMATCH[2]}"
}

# bench_row PATH SIZE RATE HOST...: one measurement, writer on A, a reader
# on each HOST; prints a row per reader and sets R_RATE and R_P50 to the last
# one's.
bench_row() {
    local what=$1 size=$2 rate=$3 line w h loss
    shift 3
    local -A pid=()
    RUN_ID=$((${RUN_ID:-0} + 1))
    for h in "$@"; do
        bg_on "$h" "$tmp/r$RUN_ID.$h" "$tmp/r$RUN_ID.$h.err" "$NB" reader --run "$RUN_ID" --idle-ms 2000
        pid[$h]=$BG_PID
        CASE_PIDS+=("$BG_PID")
        wait_line "$tmp/r$RUN_ID.$h" ready "$BG_PID" "net_bench reader on $h" "$tmp/r$RUN_ID.$h.err"
    done
    local wargs=(writer --run "$RUN_ID" --count "$BURST" --size "$size")
    [ "$rate" -eq 0 ] || wargs+=(--rate "$rate")
    on a "$NB" "${wargs[@]}" >"$tmp/w$RUN_ID" 2>"$tmp/w$RUN_ID.err" ||
        net_fail "net_bench writer exited $?: $(cat "$tmp/w$RUN_ID.err")"
    w=$(grep '^result ' "$tmp/w$RUN_ID") || net_fail "the writer printed no result"
    for h in "$@"; do
        wait_exit "${pid[$h]}" "net_bench reader on $h"
        [ "$STATUS" -eq 0 ] || net_fail "net_bench reader exited $STATUS: $(cat "$tmp/r$RUN_ID.$h.err")"
        line=$(grep '^result ' "$tmp/r$RUN_ID.$h") || net_fail "the reader printed no result"
        R_RATE=$(field "$line" rate)
        R_P50=$(field "$line" lat_p50_us)
        loss=$(awk -v n="$BURST" -v u="$(field "$line" unique)" 'BEGIN { printf "%.3f", 100 * (n - u) / n }')
        printf '%-9s %-2s %5s %-7s %10s %10s %8s%% %9s %9s\n' "$what" "$h" "$size" \
            "$([ "$rate" -eq 0 ] && echo burst || echo "$rate/s")" "$(field "$w" rate)" "$R_RATE" \
            "$loss" "$R_P50" "$(field "$line" lat_p99_us)"
    done
}

t_bench() {
    local size rate lan_rate lan_p50 h sw nf=
    for sw in s1 s2 k; do
        topo_switch_plain "${NS[$sw]}" && nf="; br_netfilter is loaded: its hooks are turned off in the switches"
    done
    printf 'bridge bench: %s CPUs, load average %s%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$nf"
    nats_start
    printf '%-9s %-2s %5s %-7s %10s %10s %9s %9s %9s\n' path at bytes mode "sent/s" "recv/s" loss \
        "p50 us" "p99 us"
    for size in 64 1024; do
        for rate in 0 "$PACE"; do
            bench_row "one LAN" "$size" "$rate" b
            lan_rate=$R_RATE lan_p50=$R_P50
            bridge_on b
            bridge_on d
            bench_row bridged "$size" "$rate" b d c
            for h in b d; do
                bridge_stop "$h"
                echo "  $BLINE"
            done
            awk -v b="$R_RATE" -v l="$lan_rate" -v bp="$R_P50" -v lp="$lan_p50" \
                'BEGIN { printf "  at c against b on one LAN: %.2f of the rate; the bridges add %.0f us at p50\n", (l > 0 ? b / l : 0), bp - lp }'
        done
    done
}

[ -x "$MS" ] || {
    echo "bridge_test.sh: $MS is not an executable" >&2
    exit 2
}
preflight
passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-bridge.XXXXXX") || exit 1
: >"$tmp/helpers"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
CASE=topology
bridge_topo_up
echo "bridge: pid $RUN, port $PORT, tmp $tmp"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=("${ALL_CASES[@]}")
if [ -n "$NB" ]; then
    [ -x "$NB" ] || net_die "$NB is not an executable"
    BURST=${NET_BRIDGE_BURST:-100000}
    PACE=${NET_BRIDGE_RATE:-50000}
    DEADLINE=${NET_TEST_DEADLINE:-120}
    cases=(bench)
fi
for c in "${cases[@]}"; do
    declare -F "t_$c" >/dev/null || {
        echo "bridge_test.sh: unknown case '$c'" >&2
        exit 2
    }
done
for c in "${cases[@]}"; do run_case "$c"; done
echo "bridge: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
