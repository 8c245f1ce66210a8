#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# examples_test.sh EXAMPLE BINARY -- runs one C example on a slot of its own
# and checks its output. The examples synchronise internally.

case_name=${1:?usage: examples_test.sh EXAMPLE BINARY}
BIN=${2:?usage: examples_test.sh EXAMPLE BINARY}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

new_slot
run "$BIN" "$slot"
expect_status 0

case $case_name in
logger)
    expect_file "$tmp/out" the quick brown fox
    ;;
interleaved)
    lines=()
    for ((i = 0; i < 20; i++)); do lines+=("read message $i"); done
    head -n 21 "$tmp/out" >"$tmp/head"
    expect_file "$tmp/head" "${lines[@]}" "read STOP"
    tail -n +22 "$tmp/out" | grep -qxE 'wrote 20 messages, read 20; [0-9]+ reads found the queue empty' ||
        fail "bad summary: $(tail -n +22 "$tmp/out")"
    ;;
poll_drain)
    lines=()
    for ((i = 0; i < 50; i++)); do lines+=("message $i"); done
    head -n 51 "$tmp/out" >"$tmp/head"
    expect_file "$tmp/head" "${lines[@]}" STOP
    tail -n +52 "$tmp/out" | grep -qxE 'received 50 messages in [0-9]+ wake-ups' ||
        fail "bad summary: $(tail -n +52 "$tmp/out")"
    ;;
*)
    echo "examples_test.sh: unknown example '$case_name'" >&2
    exit 2
    ;;
esac
echo "PASS [$case_name]"
