#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_wine_test.sh CASE EMULATOR MAILSLOT_EXE -- the Windows `mailslot.exe`
# under Wine: a few cases of cli_test.sh's, enough to show that the port
# (wait_win32.c, binary stdout, stdin lines) works, and `forward` receiving
# packets that Linux (netpkt.py) sends to 127.0.0.1, with keys too
# (forward_keys, in builds with libsodium). One CTest test per case.
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
    # The tool imports mailslot.dll (src/cli/CMakeLists.txt) rather than
    # holding a copy of the library.
    if command -v x86_64-w64-mingw32-objdump >/dev/null; then
        x86_64-w64-mingw32-objdump -p "$exe" >"$tmp/headers" || fail "objdump cannot read $exe"
        grep -qi "DLL Name: mailslot.dll" "$tmp/headers" || fail "$exe does not import mailslot.dll"
    fi
    ;;
stats)
    # A Windows mailslot cannot be asked (mailslot_query: MAILSLOT_E_SYSTEM).
    run listen "$name" --count 2 --timeout 20000 >"$tmp/out" 2>"$tmp/lerr" &
    pid=$!
    send_when_ready "$name" ready || fail "the listener did not start: $(cat "$tmp/lerr")"
    run stats "$name" >"$tmp/stats" 2>"$tmp/err"
    rc=$?
    run send "$name" done || fail "cannot end the listener"
    wait "$pid" || fail "the listener failed: $(cat "$tmp/lerr")"
    [ "$rc" = 1 ] || fail "exit $rc, expected 1"
    grep -q "cannot be asked" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
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
json)
    # listen --json on Windows: text and base64, checked as on Linux.
    run listen "$name" --json --count 2 --timeout 20000 >"$tmp/out" 2>"$tmp/err" &
    listener=$!
    send_when_ready "$name" 'say "hi"' || fail "no listener came up"
    printf '\377\n' | run send "$name" || fail "send from stdin failed"
    wait "$listener" || fail "listen exited $?: $(cat "$tmp/err")"
    slot=$(printf '\\\\.\\mailslot\\%s' "$name" | tr '[:upper:]' '[:lower:]')
    python3 "$(dirname "$0")/check_json.py" "$tmp/out" "$slot" >"$tmp/payloads" ||
        fail "bad JSON: $(cat "$tmp/out")"
    printf '7361792022686922\nff\n' | cmp -s - "$tmp/payloads" || fail "listen printed: $(cat "$tmp/out")"
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
    run listen "$name" --count 5 --timeout 20000 >"$tmp/out" 2>"$tmp/err" &
    listener=$!
    send_when_ready "$name" probe || fail "no listener came up"
    path=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')
    python3 "$netpkt" send-v1 --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" \
        --copies 2 one two three || fail "netpkt.py send-v1 failed"
    # Once, and last: the forwarder takes datagrams in order, so every copy
    # before it was handled while the listener was still there (a second
    # copy of its last message would otherwise find it gone: "no reader").
    python3 "$netpkt" send-v1 --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" end ||
        fail "netpkt.py send-v1 failed"
    wait "$listener" || fail "listen exited $?: $(cat "$tmp/err")"
    printf 'probe\none\ntwo\nthree\nend\n' | cmp -s - "$tmp/out" || fail "listen printed: $(cat "$tmp/out")"
    kill -INT "$fwd"
    wait "$fwd" || fail "forward exited $? after SIGINT: $(cat "$tmp/fwd.err")"
    grep -qxF "forwarder: datagrams 7, forwarded 4, malformed 0, unknown version 0, not for this host 0, no reader 0, duplicate 3, failed 0" "$tmp/fwd" ||
        fail "forward printed: $(cat "$tmp/fwd")"
    ;;
forward_keys)
    # A key from `mailslot.exe keygen`. `mailslot.exe forward` with it checks
    # the network messages of a reader with keys (native mailslots get the
    # message only): a signed one passes, an unsigned and a forged one do
    # not. Without keys it passes such a reader nothing ("no key").
    netpkt=$(dirname "$0")/../net/netpkt.py
    run keygen "$tmp/keys" 2>"$tmp/err" || fail "keygen exited $?: $(cat "$tmp/err")"
    key=$(sed -n 's/^key \([0-9a-f]\{64\}\).*/\1/p' "$tmp/keys")
    [ -n "$key" ] || fail "keygen wrote: $(cat "$tmp/keys")"
    MAILSLOT_PORT=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
        fail "no free port"
    export MAILSLOT_PORT MAILSLOT_INTERFACE=127.0.0.1 MAILSLOT_NETWORK=1
    path=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')
    plain="$name\\plain"
    plain_path=$(printf '%s' "$plain" | tr '[:upper:]' '[:lower:]')
    # forward_start [ENV...]: `forward` in the background as $fwd.
    forward_start() {
        env "$@" "$wine" "$exe" forward >"$tmp/fwd" 2>"$tmp/fwd.err" &
        fwd=$!
        wait_line "$tmp/fwd" "forwarding udp port $MAILSLOT_PORT" "$fwd" ||
            fail "forward printed: $(cat "$tmp/fwd" "$tmp/fwd.err")"
    }
    forward_stop() {
        kill -INT "$fwd"
        wait "$fwd" || fail "forward exited $? after SIGINT: $(cat "$tmp/fwd.err")"
    }
    trap 'kill -KILL ${fwd:-} ${listener:-} ${plainl:-} 2>/dev/null; rm -rf "$tmp"' EXIT

    forward_start MAILSLOT_KEY_FILE="$tmp/keys"
    MAILSLOT_KEY_FILE="$tmp/keys" MAILSLOT_AUTH_LOG=0 run listen "$name" --count 2 \
        --timeout 20000 >"$tmp/out" 2>"$tmp/err" &
    listener=$!
    send_when_ready "$name" probe || fail "no listener came up"
    python3 "$netpkt" send-v1 --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" unsigned ||
        fail "netpkt.py send-v1 failed"
    python3 "$netpkt" sealed --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" \
        --key "$key" --bad-tag forged || fail "netpkt.py sealed failed"
    python3 "$netpkt" sealed --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" \
        --key "$key" signed || fail "netpkt.py sealed failed"
    wait "$listener" || fail "listen exited $?: $(cat "$tmp/err")"
    printf 'probe\nsigned\n' | cmp -s - "$tmp/out" || fail "listen printed: $(cat "$tmp/out")"
    forward_stop
    grep -qxF "forwarder keys: no key 0, verified 1, unverified 0, not authenticated 1, unknown key 0, bad tag 1, replay 0, stale 0, future 0, table full 0" "$tmp/fwd" ||
        fail "forward with keys printed: $(cat "$tmp/fwd")"

    forward_start
    MAILSLOT_KEY_FILE="$tmp/keys" run listen "$name" --count 2 --timeout 20000 \
        >"$tmp/out" 2>"$tmp/err" &
    listener=$!
    run listen "$plain" --count 2 --timeout 20000 >"$tmp/plain" 2>"$tmp/plain.err" &
    plainl=$!
    send_when_ready "$name" probe || fail "no listener came up"
    send_when_ready "$plain" probe || fail "the second listener did not come up"
    python3 "$netpkt" sealed --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" \
        --key "$key" signed || fail "netpkt.py sealed failed"
    python3 "$netpkt" send-v1 --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$path" unsigned ||
        fail "netpkt.py send-v1 failed"
    # Then one for the reader without keys: the forwarder decides in order,
    # so once that one is forwarded, the two before were decided.
    python3 "$netpkt" send-v1 --to 127.0.0.1 --port "$MAILSLOT_PORT" --path "$plain_path" \
        "to the keyless" || fail "netpkt.py send-v1 failed"
    wait "$plainl" || fail "the second listener exited $?: $(cat "$tmp/plain.err")"
    printf 'probe\nto the keyless\n' | cmp -s - "$tmp/plain" ||
        fail "the second listener printed: $(cat "$tmp/plain")"
    forward_stop
    grep -qxF "forwarder keys: no key 2, verified 0, unverified 0, not authenticated 0, unknown key 0, bad tag 0, replay 0, stale 0, future 0, table full 0" "$tmp/fwd" ||
        fail "forward without keys printed: $(cat "$tmp/fwd")"
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null
    [ "$(cat "$tmp/out")" = "probe" ] || fail "the keyed listener printed: $(cat "$tmp/out")"
    ;;
*)
    fail "no case $case_name"
    ;;
esac
echo "PASS: $case_name"
