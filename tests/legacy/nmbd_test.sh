#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nmbd_test.sh LEGACY_TOOL LEGACY_SEND MAILSLOT -- Samba's nmbd, a NetBIOS
# peer nobody here wrote, and the Windows remote-mailslot datagrams of
# src/net/legacy.c, both ways, through the library in legacy mode:
#   - a browser HostAnnouncement the library writes (LEGACY_SEND,
#     MAILSLOT_LEGACY=1) to \\MSTEST\mailslot\browse (MSTEST<00>) puts our
#     host in nmbd's browse list (browse.dat);
#   - after the library's AnnouncementRequest, nmbd's own announcement to the
#     workgroup (MSTEST<1D> or <1E>) reaches a reader of \\.\mailslot\browse
#     (`mailslot listen` in legacy mode, whose host forwarder receives on UDP
#     138), and decodes as a browser announcement by SAMBAHOST;
#   - after the library's LAN Manager AnnouncementRequest, nmbd's LAN Manager
#     announcement to MSTEST<00> reaches a reader of \\.\mailslot\lanman;
#   - our NetBIOS name query for SAMBAHOST<00> gets nmbd's address;
#   - a library writer in legacy mode finds \\SAMBAHOST, which the resolver
#     does not know, by a name query, and sends its datagram there.
# Two network namespaces joined by a veth pair, TEST-NET-1 addresses
# (192.0.2.1 ours, 192.0.2.2 nmbd's), no default route; removed at exit.
# Needs root, ip (iproute2) and nmbd (samba): in CI and as root a missing one
# fails (tests/lib/strict.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/strict.sh"
. "$here/legacy_lib.sh"
tool=$1 send=$2 ms=${3:-}
[ "$(id -u)" = 0 ] || { ms_cannot_run "network namespaces need root" || exit $?; }
for t in ip nmbd python3 tshark unshare; do
    command -v "$t" >/dev/null || { ms_cannot_run "$t not found (apt-get install iproute2 samba python3 tshark util-linux)" || exit $?; }
done

ns_ours=msnb-a-$$ ns_nmbd=msnb-b-$$
tmp=$(mktemp -d)
nmbd_pid=
direct_pid=
cleanup() {
    [ -z "$direct_pid" ] || kill "$direct_pid" 2>/dev/null || true
    [ -z "$nmbd_pid" ] || kill "$nmbd_pid" 2>/dev/null || true
    [ -z "$nmbd_pid" ] || wait "$nmbd_pid" 2>/dev/null || true
    ip netns del "$ns_ours" 2>/dev/null || true
    ip netns del "$ns_nmbd" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$ns_ours"
ip netns add "$ns_nmbd"
ip link add "nba$$" type veth peer name "nbb$$"
ip link set "nba$$" netns "$ns_ours"
ip link set "nbb$$" netns "$ns_nmbd"
ip -n "$ns_ours" addr add 192.0.2.1/24 broadcast 192.0.2.255 dev "nba$$"
ip -n "$ns_nmbd" addr add 192.0.2.2/24 broadcast 192.0.2.255 dev "nbb$$"
for ns in "$ns_ours" "$ns_nmbd"; do ip -n "$ns" link set lo up; done
ip -n "$ns_ours" link set "nba$$" up
ip -n "$ns_nmbd" link set "nbb$$" up

mkdir -p "$tmp"/{lock,state,cache,pid,private}
cat >"$tmp/smb.conf" <<CONF
[global]
workgroup = MSTEST
netbios name = SAMBAHOST
interfaces = 192.0.2.2/24
bind interfaces only = yes
local master = yes
preferred master = yes
os level = 65
lock directory = $tmp/lock
state directory = $tmp/state
cache directory = $tmp/cache
pid directory = $tmp/pid
private dir = $tmp/private
log level = 3
CONF
: >"$tmp/nmbd.log"
ip netns exec "$ns_nmbd" nmbd --foreground --debug-stdout --no-process-group \
    --configfile="$tmp/smb.conf" >"$tmp/nmbd.log" 2>&1 &
nmbd_pid=$!

# until_seen SECONDS PATTERN FILE: waits until FILE has a line matching
# PATTERN (tail -F follows it as it is written or replaced).
until_seen() {
    timeout "$1" grep -q -m 1 -- "$2" < <(tail -n +1 -F "$3" 2>/dev/null)
}
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# nmbd keeps a browse list once it is the workgroup's master browser.
if ! until_seen 60 "is now a local master browser for workgroup MSTEST" "$tmp/nmbd.log"; then
    tail -n 30 "$tmp/nmbd.log"
    echo "nmbd_test: nmbd did not become the master browser"
    exit 1
fi
echo "nmbd_test: nmbd is the master browser of MSTEST"

# on_ours CMD...: runs CMD in our namespace with a hosts file that knows no
# SAMBAHOST and a resolver that answers nothing, in legacy mode as LIBHOST of
# MSTEST.
printf '127.0.0.1\tlocalhost\n' >"$tmp/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$tmp/resolv.conf"
on_ours() {
    in_ns_with_hosts "$ns_ours" "$tmp/hosts" "$tmp/resolv.conf" env -u MAILSLOT_INTERFACE -u MAILSLOT_NETWORK \
        MAILSLOT_LEGACY=1 MAILSLOT_DOMAIN=MSTEST MAILSLOT_NETBIOS_NAME=LIBHOST timeout 30 "$@"
}

# Ours to nmbd: the library's announcement lands in browse.dat.
python3 "$here/nmbd_peer.py" "$tool" host-announcement libhost >"$tmp/announcement"
on_ours "$send" '\\MSTEST\mailslot\browse' <"$tmp/announcement" || fail "the library could not send the announcement"
if until_seen 30 '^"LIBHOST" ' "$tmp/cache/browse.dat"; then
    echo "nmbd_test: browse.dat: $(grep '^"LIBHOST" ' "$tmp/cache/browse.dat")"
    grep -m 1 "process_host_announce: from LIBHOST" "$tmp/nmbd.log" || true
else
    fail "LIBHOST is not in nmbd's browse list"
    grep -i "libhost" "$tmp/nmbd.log" || true
fi

# start_reader SLOT: `mailslot listen SLOT --hex` in our namespace in legacy
# mode, in the background (its pid in reader_pid, its output in
# $tmp/SLOT.out), returning once a probe reached it.
start_reader() {
    ip netns exec "$ns_ours" env MAILSLOT_LEGACY=1 MAILSLOT_DOMAIN=MSTEST MAILSLOT_NETBIOS_NAME=LIBHOST \
        timeout 120 "$ms" listen "$1" --hex >"$tmp/$1.out" 2>"$tmp/$1.err" &
    reader_pid=$!
    until ip netns exec "$ns_ours" "$ms" send "\\\\.\\mailslot\\$1" probe 2>"$tmp/probe.err"; do
        if ! grep -q "no reader owns" "$tmp/probe.err" || ! kill -0 "$reader_pid" 2>/dev/null; then
            fail "the reader of $1 did not start: $(cat "$tmp/probe.err" "$tmp/$1.err")"
            break
        fi
    done
}

# nmbd to ours: a reader of \\.\mailslot\browse in legacy mode gets nmbd's
# announcement. The reader is ready (and its forwarder on UDP 138: the
# create binds it) when a probe reaches it; the request goes after that.
if [ -z "$ms" ]; then
    fail "no mailslot tool given: the reader of nmbd's announcements cannot run"
else
    start_reader browse
    listen_pid=$reader_pid
    python3 "$here/nmbd_peer.py" "$tool" announcement-request libhost >"$tmp/request"
    on_ours "$send" '\\MSTEST\mailslot\browse' <"$tmp/request" ||
        fail "the library could not send the AnnouncementRequest"
    if until_seen 30 "process_announce_request: Announce request from LIBHOST" "$tmp/nmbd.log"; then
        grep -m 1 "process_announce_request: Announce request from LIBHOST" "$tmp/nmbd.log"
    else
        fail "nmbd did not take the library's AnnouncementRequest"
    fi
    # A browser announcement (opcode 1 or 15), update count, periodicity,
    # then the server name SAMBAHOST.
    if until_seen 60 '^\(01\|0f\)[0-9a-f]\{10\}53414d4241484f5354' "$tmp/browse.out"; then
        line=$(grep -m 1 '^\(01\|0f\)[0-9a-f]\{10\}53414d4241484f5354' "$tmp/browse.out")
        python3 "$here/nmbd_peer.py" "$tool" check sambahost "$line" ||
            fail "nmbd's announcement did not decode"
    else
        fail "no announcement from nmbd reached the reader of browse"
        cat "$tmp/browse.out" "$tmp/browse.err"
    fi
    # A LAN Manager AnnouncementRequest (command 2) to \\MSTEST\mailslot\lanman:
    # nmbd then sends LAN Manager announcements (command 1, with its name) to
    # MSTEST<00>, which a reader of \\.\mailslot\lanman gets.
    start_reader lanman
    lanman_pid=$reader_pid
    printf '\002\000LIBHOST\000' | on_ours "$send" '\\MSTEST\mailslot\lanman' ||
        fail "the library could not send the LAN Manager AnnouncementRequest"
    if until_seen 90 '^01.*53414d4241484f5354' "$tmp/lanman.out"; then
        echo "nmbd_test: LAN Manager announcement: $(grep -m 1 '^01.*53414d4241484f5354' "$tmp/lanman.out")"
    else
        fail "no LAN Manager announcement from nmbd reached the reader of lanman"
        cat "$tmp/lanman.out" "$tmp/lanman.err"
        grep -i "lm_announce\|lanman" "$tmp/nmbd.log" | tail -5 || true
    fi
    kill "$lanman_pid" "$listen_pid" 2>/dev/null
    wait "$lanman_pid" "$listen_pid" 2>/dev/null
    echo "nmbd_test: the reader of browse got $(wc -l <"$tmp/browse.out") messages (the probe first)"
fi

# A name query: how a legacy writer finds \\SAMBAHOST.
out=$(ip netns exec "$ns_ours" python3 "$here/nmbd_peer.py" "$tool" resolve sambahost 30) || true
echo "$out"
case $out in
*"SAMBAHOST<00> is at 192.0.2.2 "*) ;;
*) fail "the name query for SAMBAHOST<00> did not give 192.0.2.2" ;;
esac

# A library writer finds \\SAMBAHOST by a name query (the resolver does not
# know it) and sends there; tshark on nmbd's side sees the datagram arrive.
# tshark says "Capturing on" before its capture process has started (once,
# on a loaded machine, it captured nothing though the write succeeded); so
# the writer writes again, up to 5 times, until tshark has taken one
# datagram, and a failure shows what tshark said.
ip netns exec "$ns_nmbd" timeout 90 tshark -i "nbb$$" -c 1 -l \
    -f "src host 192.0.2.1 and udp dst port 138" -T fields -E separator='|' \
    -e ip.dst -e nbdgm.type -e nbdgm.destination_name -e smb.trans_name -e data.data \
    >"$tmp/direct.out" 2>"$tmp/direct.err" &
direct_pid=$!
until_seen 30 'Capturing on' "$tmp/direct.err" || fail "tshark did not start: $(cat "$tmp/direct.err")"
sent=0
for attempt in 1 2 3 4 5; do
    printf 'to sambahost' | on_ours "$send" '\\SAMBAHOST\mailslot\libtest' || break
    sent=$attempt
    until_seen 5 '|' "$tmp/direct.out" && break
done
if [ "$sent" -gt 0 ]; then
    direct_status=0
    wait "$direct_pid" || direct_status=$?
    echo "nmbd_test: to \\SAMBAHOST (written $sent times): $(cat "$tmp/direct.out")"
    [ "$(cat "$tmp/direct.out")" = "192.0.2.2|16|SAMBAHOST<00>|\MAILSLOT\libtest|$(printf 'to sambahost' | od -An -v -tx1 | tr -d ' \n')" ] ||
        fail "the datagram to \\SAMBAHOST was not the unique datagram to 192.0.2.2 (tshark status $direct_status: $(cat "$tmp/direct.err"))"
else
    kill "$direct_pid" 2>/dev/null || true
    fail "the library could not write to \\SAMBAHOST"
fi

if [ "$failures" = 0 ]; then
    echo "nmbd_test: all passed"
else
    echo "nmbd_test: $failures failed"
    exit 1
fi
