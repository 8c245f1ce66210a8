#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR
# examples_test.sh EXAMPLE BINARY [MAILSLOT] -- runs one C example on a slot
# of its own and checks its output. The examples synchronise internally.
# logger_split runs `logger --reader` and `logger --writer` as two processes;
# it needs the `mailslot` tool (MAILSLOT) to probe the reader.

case_name=${1:?usage: examples_test.sh EXAMPLE BINARY [MAILSLOT]}
BIN=${2:?usage: examples_test.sh EXAMPLE BINARY [MAILSLOT]}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

new_slot
if [ "$case_name" = logger_split ]; then
    MS=${3:?usage: examples_test.sh logger_split LOGGER MAILSLOT}
    # The reader first, ready once a probe reaches it; then the writer.
    "$BIN" --reader "$slot" >"$tmp/reader.out" 2>"$tmp/reader.err" &
    listener=$!
    for ((i = 0; ; i++)); do
        "$MS" send "$slot" probe 2>"$tmp/probe.err" && break
        grep -qF "no reader owns" "$tmp/probe.err" || fail "probe failed: $(cat "$tmp/probe.err")"
        kill -0 "$listener" 2>/dev/null || fail "logger --reader ended early: $(cat "$tmp/reader.err")"
        [ "$i" -lt 20000 ] || fail "logger --reader never became ready"
    done
    run "$BIN" --writer "$slot"
    expect_status 0
    wait "$listener"
    status=$?
    listener=""
    cp "$tmp/reader.out" "$tmp/out"
    cp "$tmp/reader.err" "$tmp/err"
else
    run "$BIN" "$slot"
fi
expect_status 0

case $case_name in
logger)
    expect_file "$tmp/out" the quick brown fox
    ;;
logger_split)
    expect_file "$tmp/out" probe the quick brown fox
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
