#!/usr/bin/env bash
# cli_wine_test.sh CASE EMULATOR MAILSLOT_EXE -- the Windows `mailslot.exe`
# under Wine: a few cases of cli_test.sh's, enough to show that the port
# (wait_win32.c, binary stdout, stdin lines) works, and `forward` receiving
# packets that Linux (netpkt.py) sends to 127.0.0.1. One CTest test per case.
set -uo pipefail
case_name=${1:?case}
wine=${2:?emulator}
exe=${3:?mailslot.exe}
name="cliwine\\$case_name\\$$"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

run() { "$wine" "$exe" "$@"; }

# wait_line FILE LINE PID: FILE gets the line LINE while PID runs (20 s).
wait_line() {
    for _ in $(seq 200); do
        grep -qxF -- "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# Sends MESSAGE to NAME, retrying until a listener owns the name (10 s).
send_when_ready() {
    for _ in $(seq 100); do
        run send "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

case $case_name in
version)
    out=$(run --version) || fail "exit $?"
    [[ $out == "mailslot "[0-9]*.[0-9]*.[0-9]* ]] || fail "printed '$out'"
    ;;
usage)
    run frobnicate >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" = 2 ] || fail "exit $rc, expected 2"
    grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
    ;;
send_no_reader)
    run send "$name" hello 2>"$tmp/err"
    rc=$?
    [ "$rc" = 1 ] || fail "exit $rc, expected 1"
    grep -q "no reader owns" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
    ;;
roundtrip)
    run listen "$name" --count 3 --timeout 20000 >"$tmp/out" 2>"$tmp/err" &
    listener=$!
    send_when_ready "$name" first || fail "no listener came up"
    printf 'second\nthird\n' | run send "$name" || fail "send from stdin failed"
    wait "$listener" || fail "listen exited $?: $(cat "$tmp/err")"
    printf 'first\nsecond\nthird\n' | cmp -s - "$tmp/out" || fail "listen printed: $(od -c "$tmp/out")"
    ;;
timeout)
    start=$(date +%s%N)
    run listen "$name" --timeout 300 >"$tmp/out" || fail "exit $?"
    elapsed=$((($(date +%s%N) - start) / 1000000))
    [ "$elapsed" -ge 300 ] || fail "gave up after $elapsed ms"
    [ ! -s "$tmp/out" ] || fail "printed $(cat "$tmp/out")"
    ;;
forward)
    # Packets from Linux to 127.0.0.1, each sent twice, reach a Windows
    # reader once through `mailslot.exe forward`; the reader's own process
    # waits (the forwarder owns the port). Ctrl-C (SIGINT under Wine) stops
    # the forwarder, which prints its counts.
    netpkt=$(dirname "$0")/../net/netpkt.py
    MAILSLOT_PORT=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
        fail "no free port"
    export MAILSLOT_PORT MAILSLOT_INTERFACE=127.0.0.1 MAILSLOT_NETWORK=1
    "$wine" "$exe" forward >"$tmp/fwd" 2>"$tmp/fwd.err" &
    fwd=$!
    trap 'kill -KILL "$fwd" 2>/dev/null; rm -rf "$tmp"' EXIT
    wait_line "$tmp/fwd" "forwarding udp port $MAILSLOT_PORT" "$fwd" ||
        fail "forward printed: $(cat "$tmp/fwd" "$tmp/fwd.err")"
    run listen "$name" --count 4 --timeout 20000 >"$tmp/out" 2>"$tmp/err" &
    listener=$!
    send_when_ready "$name" probe || fail "no listener came up"
    path=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')
    python3 "$netpkt" send-v1 --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" \
        --copies 2 one two three || fail "netpkt.py send-v1 failed"
    wait "$listener" || fail "listen exited $?: $(cat "$tmp/err")"
    printf 'probe\none\ntwo\nthree\n' | cmp -s - "$tmp/out" || fail "listen printed: $(cat "$tmp/out")"
    kill -INT "$fwd"
    wait "$fwd" || fail "forward exited $? after SIGINT: $(cat "$tmp/fwd.err")"
    grep -qxF "forwarder: datagrams 6, forwarded 3, malformed 0, unknown version 0, not for this host 0, no reader 0, duplicate 3, failed 0" "$tmp/fwd" ||
        fail "forward printed: $(cat "$tmp/fwd")"
    ;;
*)
    fail "no case $case_name"
    ;;
esac
echo "PASS: $case_name"
