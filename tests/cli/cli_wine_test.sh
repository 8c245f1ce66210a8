#!/usr/bin/env bash
# cli_wine_test.sh CASE EMULATOR MAILSLOT_EXE -- the Windows `mailslot.exe`
# under Wine: a few cases of cli_test.sh's, enough to show that the port
# (wait_win32.c, binary stdout, stdin lines) works. One CTest test per case.
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
*)
    fail "no case $case_name"
    ;;
esac
echo "PASS: $case_name"
