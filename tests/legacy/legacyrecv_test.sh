#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR
# legacyrecv_test.sh MAILSLOT -- the host forwarder in legacy mode receives
# the remote-mailslot writes of Windows hosts on UDP port 138 and passes them
# to local readers (src/net/legacyrecv.c, PROTOCOL.md section 9.3).
#
# Simulated hosts (tests/net/netlib.sh): host A (hosta, 192.0.2.11 on eth0
# and 192.0.2.14 on eth1, both on the bridge, so that a broadcast arrives
# twice) runs `mailslot forward --legacy` and readers; host B (192.0.2.12)
# plays a Windows writer: windows_writer.py builds its datagrams from the
# specifications. Cases, in one run:
#   good        \\HOSTA\mailslot\logger (HOSTA<00>, unique) and the workgroup
#               (<00>, <1D>, <1E>, broadcast: each arrives on both
#               interfaces) reach `mailslot listen logger` once each, bytes
#               exact, in order;
#   malformed   every truncation, a bad word count, a data offset past the
#               end, command 0x24, a fragment: counted, none delivered;
#   misaddressed another host's name, HOSTA<1D>: counted, none delivered;
#   keyed       a reader with keys counts auth_none and queues nothing; a
#               reader off the network counts net_misaddressed;
#   own         a datagram from host A's own address is not delivered;
#   unprivileged `mailslot forward --legacy` as nobody says it needs root
#               or CAP_NET_BIND_SERVICE and still forwards our protocol;
#   shared      with Samba's nmbd holding port 138 on host A, the forwarder
#               says it shares the port (broadcasts only), and indeed gets
#               a broadcast but not a unicast.
# Needs root, ip, unshare, setpriv, python3, ss, nmbd; in CI and as root a
# missing one fails (tests/lib/strict.sh). Nothing sleeps to synchronise:
# readers are ready when a probe reaches them, forwarders when they print
# their state line, and an end marker sent after the rest shows that the
# rest was handled (one socket, one order).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/strict.sh
. "$HERE/../lib/strict.sh"
[ $# -eq 1 ] || {
    echo "usage: legacyrecv_test.sh MAILSLOT" >&2
    exit 2
}
MS=$1
WRITER=$HERE/windows_writer.py
[ "$(id -u)" -eq 0 ] || exit "$(ms_cannot_run "network namespaces need root")"
for t in ip unshare setpriv python3 ss timeout tail nmbd; do
    command -v "$t" >/dev/null 2>&1 || exit "$(ms_cannot_run "$t not found (iproute2, util-linux, python3, samba)")"
done

tmp=$(mktemp -d)
as_other=
chmod 755 "$tmp" # the unprivileged case writes nothing here, but reads the hosts file
# shellcheck source=../net/netlib.sh
. "$HERE/../net/netlib.sh"
HOSTS=(a b)
A2=192.0.2.14
CASE=setup
FAILED=0

net_fail() {
    net_log "FAIL [$CASE]: $*"
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    exec 2>/dev/null
    topo_down
    rm -rf "$tmp" ${as_other:+"$as_other"}
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

topo_up
# A second interface of host A on the same bridge: a broadcast comes in twice.
# shellcheck disable=SC2015 # any step failing is fatal
ip -n "${NS[a]}" link add eth1 type veth peer name "va2" netns "${NS[s]}" &&
    ip -n "${NS[a]}" addr add "$A2/24" dev eth1 &&
    ip -n "${NS[a]}" link set eth1 up &&
    ip -n "${NS[s]}" link set va2 master br0 &&
    ip -n "${NS[s]}" link set va2 up &&
    ip netns exec "${NS[a]}" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0 \
        net.ipv4.conf.eth0.rp_filter=0 ||
    net_die "cannot wire host a's eth1"

hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# reader HOST SLOT OUT [PREFIX... --]: `mailslot listen SLOT --hex` on HOST
# in the background (its pid in RPID, and in READERS), run after PREFIX (a
# command prefix: VAR=VALUE settings, setpriv ...), returning once a probe
# sent on HOST after the same PREFIX reached it.
READERS=()
reader() {
    local h=$1 s=$2 out=$3 pre=()
    shift 3
    if [ $# -gt 0 ]; then
        while [ "$1" != -- ]; do
            pre+=("$1")
            shift
        done
    fi
    bg_on "$h" "$out" "$out.err" "${pre[@]}" "$MS" listen "$s" --hex
    RPID=$BG_PID
    READERS+=("$RPID")
    local end=$((SECONDS + DEADLINE))
    until on "$h" "${pre[@]}" "$MS" send "\\\\.\\mailslot\\$s" probe </dev/null 2>"$tmp/probe.err" >/dev/null; do
        grep -qF "no reader owns" "$tmp/probe.err" || net_fail "probe of $s failed: $(cat "$tmp/probe.err")"
        alive "$RPID" || net_fail "reader $s ended early: $(cat "$out.err")"
        [ "$SECONDS" -lt "$end" ] || net_fail "reader $s not ready after ${DEADLINE}s"
    done
    wait_line "$out" "$(hex probe)" "$RPID" "reader $s (the probe)" "$out.err"
}

# win ARGS...: windows_writer.py on host B.
win() { on b python3 "$WRITER" "$@" >>"$tmp/win.out" || net_fail "windows_writer.py $* failed"; }

# stat_of HOST SLOT NAME: a counter of `mailslot stats SLOT` on HOST.
stat_of() {
    on "$1" "$MS" stats "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}

check() { # check WHAT GOT WANT
    if [ "$2" != "$3" ]; then
        net_log "FAIL [$CASE]: $1: got '$2', want '$3'"
        FAILED=$((FAILED + 1))
    else
        net_log "ok   [$CASE]: $1 = $3"
    fi
}

# fwd_line FILE PREFIX: the counters line "forwarder legacy: ..." etc.
fwd_line() { grep "^$2" "$1" | tail -n 1; }

# ---- the forwarder as root, and readers -----------------------------------
CASE=good
DOMAIN[a]=workgroup,mstest
bg_on a "$tmp/fwd.out" "$tmp/fwd.err" "$MS" forward --legacy
FWD=$BG_PID
wait_line "$tmp/fwd.out" "legacy: receiving on UDP 138" "$FWD" "forwarder on A" "$tmp/fwd.err"
net_log "forwarder on A: $(tr '\n' '|' <"$tmp/fwd.out")"
reader a logger "$tmp/logger.out"
LOGGER=$RPID
on a "$MS" keygen "$tmp/keys" >/dev/null 2>&1 || net_fail "keygen failed"
reader a keyed "$tmp/keyed.out" MAILSLOT_KEY_FILE="$tmp/keys" --
reader a offnet "$tmp/offnet.out" MAILSLOT_NETWORK=0 --

A=${ADDR[a]}
win --to "$A" --type unique --dest HOSTA --data unique-00
for sfx in 00 1d 1e; do
    win --to 192.0.2.255 --dest MSTEST --suffix "$sfx" --id "$((0x100 + 0x$sfx))" --data "group-$sfx"
done

CASE=malformed
for m in truncations wordcount dataoffset command fragment; do
    win --to "$A" --type unique --dest HOSTA --mutate "$m" --data "bad-$m"
done
good_len=$(on b python3 "$WRITER" --to x --type unique --dest HOSTA --data bad-truncations --print | awk '{ print length($0) / 2 }')

CASE=misaddressed
win --to "$A" --type unique --dest OTHERHOST --data other-host
win --to "$A" --type unique --dest HOSTA --suffix 1d --data host-1d

CASE=keyed
win --to "$A" --type unique --dest HOSTA --mailslot '\MAILSLOT\keyed' --data to-keyed
win --to "$A" --type unique --dest HOSTA --mailslot '\MAILSLOT\offnet' --data to-offnet

CASE=own
on a python3 "$WRITER" --to "$A" --from-ip "$A" --type unique --dest HOSTA --data own-unicast >/dev/null ||
    net_fail "own unicast"
on a python3 "$WRITER" --to 192.0.2.255 --from-ip "$A" --dest WORKGROUP --data own-broadcast >/dev/null ||
    net_fail "own broadcast"

CASE=good
win --to "$A" --type unique --dest HOSTA --id 7 --data end
wait_line "$tmp/logger.out" "$(hex end)" "$LOGGER" "reader logger (the end marker)" "$tmp/logger.out.err"
want=$(for m in probe unique-00 group-00 group-1d group-1e end; do printf '%s|' "$(hex "$m")"; done)
check "messages of logger, in order" "$(tr '\n' '|' <"$tmp/logger.out")" "$want"
check "logger legacy_received" "$(stat_of a logger legacy_received)" 5
check "logger net_received" "$(stat_of a logger net_received)" 5

CASE=keyed
check "keyed: messages" "$(tr '\n' '|' <"$tmp/keyed.out")" "$(hex probe)|"
check "keyed auth_none" "$(stat_of a keyed auth_none)" 1
check "keyed legacy_received" "$(stat_of a keyed legacy_received)" 0
check "offnet: messages" "$(tr '\n' '|' <"$tmp/offnet.out")" "$(hex probe)|"
check "offnet net_misaddressed" "$(stat_of a offnet net_misaddressed)" 1

# The readers first: one of them would take over from the forwarder.
for p in "${READERS[@]}"; do
    kill -TERM "$p"
    wait_exit "$p" "a reader"
done
READERS=()
kill -TERM "$FWD"
wait_exit "$FWD" "forwarder on A"
net_log "forwarder on A printed: $(tr '\n' '|' <"$tmp/fwd.out")"
# Sent: 1 unique + 3 broadcasts (twice each: two interfaces) + good_len
# truncations + 4 spoiled + 2 misaddressed + 2 to keyed/offnet + own (a
# unicast to itself, a broadcast it hears on lo and on eth1) + the end.
own=$(fwd_line "$tmp/fwd.out" "forwarder legacy:" | sed -n 's/.*from this host \([0-9]*\).*/\1/p')
CASE=own
check "own datagrams counted (at least the unicast and the broadcast)" "$([ "${own:-0}" -ge 2 ] && echo yes)" yes
CASE=counters
check "forwarder legacy line" "$(fwd_line "$tmp/fwd.out" "forwarder legacy:")" \
    "forwarder legacy: datagrams $((1 + 6 + good_len + 4 + 2 + 2 + own + 1)), malformed $((good_len + 4)), not for this host 2, from this host $own, duplicate 3"
check "forwarded (5 to logger, 1 each to keyed and offnet)" \
    "$(fwd_line "$tmp/fwd.out" "forwarder:" | sed -n 's/.*forwarded \([0-9]*\),.*/\1/p')" 7

# ---- as a user without CAP_NET_BIND_SERVICE --------------------------------
CASE=unprivileged
# nobody may not reach the build tree (a checkout under /root): the tool and
# the libmailslot it loads, copied where every user reads, for this case.
as_other=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-nobody.XXXXXX") || net_fail "mktemp"
lib=$(ldd "$MS" | awk '$1 == "libmailslot.so.1" { print $3 }')
chmod 755 "$as_other" && cp "$MS" "$as_other/mailslot" && { [ -z "$lib" ] || cp -L "$lib" "$as_other/"; } ||
    net_fail "copying the tool and its library for nobody"
MS_OWN=$MS MS=$as_other/mailslot
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env HOME=/
    LD_LIBRARY_PATH="$as_other")
bg_on a "$tmp/fwdu.out" "$tmp/fwdu.err" "${NOBODY[@]}" "$MS" forward --legacy
FWDU=$BG_PID
wait_line "$tmp/fwdu.out" "legacy: cannot bind UDP 138: needs root or CAP_NET_BIND_SERVICE" "$FWDU" \
    "unprivileged forwarder" "$tmp/fwdu.err"
net_log "unprivileged forwarder: $(tr '\n' '|' <"$tmp/fwdu.out")"
reader a plain "$tmp/plain.out" "${NOBODY[@]}" --
on b "$MS" send "\\\\hosta\\mailslot\\plain" our-protocol >/dev/null 2>"$tmp/send.err" ||
    net_fail "send to \\\\hosta\\mailslot\\plain: $(cat "$tmp/send.err")"
wait_line "$tmp/plain.out" "$(hex our-protocol)" "$RPID" "unprivileged reader" "$tmp/plain.out.err"
check "our protocol through the unprivileged forwarder" ok ok
kill -TERM "$FWDU" "$RPID"
wait_exit "$FWDU" "unprivileged forwarder"
wait_exit "$RPID" "unprivileged reader"
MS=$MS_OWN

# ---- sharing port 138 with Samba's nmbd ----------------------------------------
CASE=shared
mkdir -p "$tmp"/nmbd/{lock,state,cache,pid,private}
cat >"$tmp/nmbd/smb.conf" <<CONF
[global]
workgroup = OTHERWG
netbios name = SAMBAONA
interfaces = ${ADDR[a]}/24
bind interfaces only = yes
local master = no
lock directory = $tmp/nmbd/lock
state directory = $tmp/nmbd/state
cache directory = $tmp/nmbd/cache
pid directory = $tmp/nmbd/pid
private dir = $tmp/nmbd/private
CONF
bg_on a "$tmp/nmbd.log" "$tmp/nmbd.err" nmbd --foreground --debug-stdout --no-process-group \
    --configfile="$tmp/nmbd/smb.conf"
NMBD=$BG_PID
nmbd_has_138() { ip netns exec "${NS[a]}" ss -Hunap 'sport = :138' | grep -q nmbd; }
wait_until "nmbd to bind UDP 138" nmbd_has_138
bg_on a "$tmp/fwds.out" "$tmp/fwds.err" "$MS" forward --legacy
FWDS=$BG_PID
wait_line "$tmp/fwds.out" "legacy: sharing UDP 138 with another program: broadcasts only" "$FWDS" \
    "forwarder beside nmbd" "$tmp/fwds.err"
net_log "forwarder beside nmbd: $(tr '\n' '|' <"$tmp/fwds.out")"
net_log "port 138 on A: $(ip netns exec "${NS[a]}" ss -Hunap 'sport = :138' | awk '{ print $4, $6 }' | tr '\n' '|')"
reader a logger2 "$tmp/logger2.out"
win --to "$A" --type unique --dest HOSTA --mailslot '\MAILSLOT\logger2' --data unicast
win --to 192.0.2.255 --dest WORKGROUP --mailslot '\MAILSLOT\logger2' --id 9 --data broadcast
wait_line "$tmp/logger2.out" "$(hex broadcast)" "$RPID" "reader beside nmbd" "$tmp/logger2.out.err"
check "beside nmbd: messages" "$(tr '\n' '|' <"$tmp/logger2.out")" "$(hex probe)|$(hex broadcast)|"
kill -TERM "$FWDS"
wait_exit "$FWDS" "forwarder beside nmbd"
# nmbd's own announcements, if it made any, count as from this host.
line=$(fwd_line "$tmp/fwds.out" "forwarder legacy:")
net_log "beside nmbd: $line"
got=$(($(sed -n 's/.*datagrams \([0-9]*\),.*/\1/p' <<<"$line") - $(sed -n 's/.*from this host \([0-9]*\),.*/\1/p' <<<"$line")))
check "beside nmbd: datagrams not from this host (the broadcast, on two interfaces; not the unicast)" "$got" 2
kill -TERM "$NMBD" 2>/dev/null

if [ "$FAILED" -eq 0 ]; then
    echo "legacyrecv_test: all passed"
else
    echo "legacyrecv_test: $FAILED failed"
    exit 1
fi
