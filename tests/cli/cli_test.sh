#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck source-path=SCRIPTDIR
# cli_test.sh CASE MAILSLOT -- one test of the `mailslot` command-line tool.
#
# No test sleeps to synchronise. To know that a background `mailslot listen`
# is ready, a test sends a probe message until the send stops failing with
# "no reader owns" (a writer on a local name opens only once the reader
# exists), and then expects exactly one probe line in the listener's output.

case_name=${1:?usage: cli_test.sh CASE MAILSLOT}
MS=${2:?usage: cli_test.sh CASE MAILSLOT}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PROBE=probe
PROBE_HEX=70726f6265

# start_listener NAME [OPTION...]: `mailslot listen NAME OPTION...` in the
# background (output in $tmp/listen.out and .err), returning once it reads.
start_listener() {
    local name=$1
    shift
    "$MS" listen "$name" "$@" >"$tmp/listen.out" 2>"$tmp/listen.err" &
    listener=$!
    local i
    for ((i = 0; i < 20000; i++)); do
        if "$MS" send "$name" "$PROBE" 2>"$tmp/probe.err"; then
            return 0
        fi
        grep -qF "no reader owns" "$tmp/probe.err" || fail "probe send failed: $(cat "$tmp/probe.err")"
        kill -0 "$listener" 2>/dev/null || fail "listener ended early: $(cat "$tmp/listen.err")"
    done
    fail "the listener on $name never became ready"
}

# finish_listener: waits for the background listener; sets $status.
finish_listener() {
    wait "$listener"
    status=$?
    listener=""
    cp "$tmp/listen.err" "$tmp/err"
}

# expect_messages PROBE_LINE LINE...: the listener printed the probe once
# (anywhere: it came from another writer) and, apart from it, these lines.
expect_messages() {
    local probe=$1
    shift
    local probes
    probes=$(grep -cxF -- "$probe" "$tmp/listen.out")
    [ "$probes" -eq 1 ] || fail "expected one probe line, got $probes: $(cat "$tmp/listen.out")"
    awk -v p="$probe" '$0 == p && !seen { seen = 1; next } { print }' \
        "$tmp/listen.out" >"$tmp/messages"
    expect_file "$tmp/messages" "$@"
}

# wait_for_output LINE: the listener has printed (and flushed) LINE.
wait_for_output() {
    local i
    for ((i = 0; i < 20000; i++)); do
        grep -qxF -- "$1" "$tmp/listen.out" && return 0
    done
    fail "the listener never printed '$1': $(cat "$tmp/listen.out")"
}

# ---- cases -----------------------------------------------------------------

t_version() {
    run "$MS" --version
    expect_status 0
    grep -qxE 'mailslot [0-9]+\.[0-9]+\.[0-9]+.*' "$tmp/out" || fail "bad version: $(cat "$tmp/out")"
    run "$MS" -V
    expect_status 0
}

t_help() {
    local args
    for args in "--help" "-h" "listen --help" "send --help" "listen x --help" "stats --help" \
        "keygen --help"; do
        # shellcheck disable=SC2086
        run "$MS" $args
        expect_status 0
        grep -qF "usage: mailslot" "$tmp/out" || fail "'$args' printed no usage: $(cat "$tmp/out")"
    done
}

t_usage_no_command() {
    run "$MS"
    expect_status 2
    expect_err "missing command"
    expect_err "usage: mailslot"
}

t_usage_unknown_command() {
    run "$MS" frobnicate x
    expect_status 2
    expect_err "unknown command 'frobnicate'"
    expect_err "usage: mailslot"
}

t_usage_unknown_option() {
    run "$MS" --frobnicate
    expect_status 2
    expect_err "unknown option '--frobnicate'"
    run "$MS" listen x --frobnicate
    expect_status 2
    expect_err "unknown option '--frobnicate'"
    expect_err "usage: mailslot listen NAME"
    run "$MS" listen -q x
    expect_status 2
    expect_err "unknown option '-q'"
    run "$MS" send x --frobnicate hello
    expect_status 2
    expect_err "usage: mailslot send NAME"
}

t_usage_missing_name() {
    run "$MS" listen
    expect_status 2
    expect_err "missing NAME"
    run "$MS" listen --hex --count 3
    expect_status 2
    expect_err "missing NAME"
    run "$MS" send
    expect_status 2
    expect_err "missing NAME"
    run "$MS" listen a b
    expect_status 2
    expect_err "unexpected argument 'b'"
}

t_usage_bad_number() {
    local bad
    for bad in "--count abc" "--count 0" "--count -1" "--count 5x" "--count 99999999999999999999" \
        "--timeout abc" "--timeout -5" "--timeout 1.5" "--count=" ; do
        # shellcheck disable=SC2086
        run "$MS" listen x $bad
        expect_status 2
        expect_err "usage: mailslot listen NAME"
    done
    run "$MS" listen x --count
    expect_status 2
    expect_err "option '--count' needs a value"
}

t_send_no_reader() {
    new_slot
    run "$MS" send "$slot" hello
    expect_status 1
    expect_err "mailslot: no reader owns"
    expect_err "\\\\.\\mailslot\\$slot"
}

t_bad_name() {
    run "$MS" send '\\.\pipe\x' hello
    expect_status 1
    expect_err "mailslot: invalid mailslot name: "
    run "$MS" listen '\\.\pipe\x'
    expect_status 1
    expect_err "mailslot: invalid mailslot name: "
    new_slot
    run "$MS" listen "\\\\*\\mailslot\\$slot" # a reader must be local
    expect_status 1
    expect_err "mailslot: invalid mailslot name: "
}

t_send_broadcast_no_reader() {
    new_slot
    run "$MS" send "\\\\*\\mailslot\\$slot" hello # datagram-like: no reader is fine
    expect_status 0
}

t_send_suite_without_key() {
    new_slot
    # A suite asks for keys: without one, nothing goes out in clear.
    run env -u MAILSLOT_KEY_FILE MAILSLOT_SUITE=2 "$MS" send "\\\\*\\mailslot\\$slot" secret
    expect_status 1
    expect_err "MAILSLOT_SUITE asks for suite 2 (signed and encrypted), but this writer has no keys"
}

t_listen_exists() {
    new_slot
    start_listener "$slot"
    run "$MS" listen "$slot" --timeout 0
    expect_status 1
    expect_err "a reader already owns"
    kill -TERM "$listener"
    finish_listener
    expect_status 0
}

t_roundtrip_args() {
    new_slot
    start_listener "$slot" --count 6
    run "$MS" send "$slot" one two "three four" "" -- --dash
    expect_status 0
    finish_listener
    expect_status 0
    expect_messages "$PROBE" one two "three four" "" --dash
}

t_roundtrip_stdin() {
    new_slot
    start_listener "$slot" --count 5
    printf 'alpha\nbeta\n\ngamma' | "$MS" send "$slot" # the last line has no newline
    [ "${PIPESTATUS[1]}" -eq 0 ] || fail "send from stdin failed"
    finish_listener
    expect_status 0
    expect_messages "$PROBE" alpha beta "" gamma
}

t_count() {
    new_slot
    start_listener "$slot" --count 3
    # The listener may end while this send still writes: its status varies.
    "$MS" send "$slot" a b c d e 2>/dev/null
    finish_listener
    expect_status 0
    expect_messages "$PROBE" a b
}

t_hex() {
    new_slot
    start_listener "$slot" --hex --count 4
    run "$MS" send "$slot" AB ""
    expect_status 0
    printf '\000\001\377z\n' | "$MS" send "$slot"
    finish_listener
    expect_status 0
    expect_messages "$PROBE_HEX" 4142 "" 0001ff7a
}

t_timeout_no_count() {
    new_slot
    run "$MS" listen "$slot" --timeout 100
    expect_status 0
    [ ! -s "$tmp/out" ] || fail "unexpected output: $(cat "$tmp/out")"
    # Messages before the silence are printed, then it exits 0.
    new_slot
    start_listener "$slot" --timeout 2000
    run "$MS" send "$slot" a b
    expect_status 0
    finish_listener
    expect_status 0
    expect_messages "$PROBE" a b
}

t_timeout_count() {
    new_slot
    run "$MS" listen "$slot" --count 2 --timeout 100
    expect_status 1
    expect_err "mailslot: timed out after 0 of 2 messages"
    new_slot
    start_listener "$slot" --count 5 --timeout 2000
    run "$MS" send "$slot" a
    expect_status 0
    finish_listener
    expect_status 1
    expect_err "mailslot: timed out after 2 of 5 messages"
    expect_messages "$PROBE" a
}

signal_case() {
    new_slot
    start_listener "$slot"
    wait_for_output "$PROBE" # also shows that each message is flushed at once
    kill "-$1" "$listener"
    finish_listener
    expect_status 0
    expect_messages "$PROBE"
    run "$MS" send "$slot" late # the name is free again
    expect_status 1
    expect_err "no reader owns"
}

t_signal_term() { signal_case TERM; }
t_signal_int() { signal_case INT; }

# `mailslot send` run as another local user ("nobody") is refused by the
# listener of root (readers accept only their own user and root by default).
t_other_user_refused() {
    if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
        echo "SKIP [other_user_refused]: needs root, a user nobody and setpriv"
        return 0
    fi
    new_slot
    start_listener "$slot" --count 2
    run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$MS" send "$slot" intruder
    expect_status 1
    expect_err "does not accept user $(id -u nobody)"
    "$MS" send "$slot" own || fail "root's own send failed"
    finish_listener
    expect_status 0
    expect_messages "$PROBE" own
}

# ---- stats -------------------------------------------------------------------

# The lines of `mailslot stats`, in order: the settings, then the counters
# (MAILSLOT_STAT_* in key order).
STATS_KEYS=(max_message_size queue_limit allow_any_user network keys messages_waiting
    net_received net_malformed net_unknown_version net_misaddressed net_duplicate
    net_over_limit auth_none auth_unknown_key auth_bad_tag auth_replay auth_stale
    auth_future auth_table_full auth_verified auth_unverified)

# A listener that ends after one message; `mailslot stats` itself is the
# probe that waits for it (a query takes no message).
t_stats_listener() {
    new_slot
    "$MS" listen "$slot" --count 1 >"$tmp/listen.out" 2>"$tmp/listen.err" &
    listener=$!
    local i
    for ((i = 0; i < 20000; i++)); do
        run "$MS" stats "$slot"
        [ "$status" -eq 0 ] && break
        expect_err "no reader owns"
        kill -0 "$listener" 2>/dev/null || fail "listener ended early: $(cat "$tmp/listen.err")"
    done
    expect_status 0
    cut -d: -f1 "$tmp/out" >"$tmp/keys"
    expect_file "$tmp/keys" "${STATS_KEYS[@]}"
    local line
    for line in "net_received: 0" "keys: 0" "messages_waiting: 0" "queue_limit: 65536" \
        "max_message_size: 65536" "network: 0" "allow_any_user: 0" "auth_bad_tag: 0"; do
        grep -qxF "$line" "$tmp/out" || fail "no line '$line' in: $(cat "$tmp/out")"
    done
    run "$MS" stats "$slot" --timeout 5000 # the query took no message: still there
    expect_status 0
    "$MS" send "$slot" bye || fail "send failed"
    finish_listener
    expect_status 0
    expect_file "$tmp/listen.out" bye
}

t_stats_no_reader() {
    new_slot
    run "$MS" stats "$slot"
    expect_status 1
    expect_err "mailslot: no reader owns"
    expect_err "\\\\.\\mailslot\\$slot"
    [ ! -s "$tmp/out" ] || fail "unexpected output: $(cat "$tmp/out")"
    run "$MS" stats "\\\\*\\mailslot\\$slot" # only a local reader can be asked
    expect_status 1
    expect_err "mailslot: invalid mailslot name: "
    run "$MS" stats
    expect_status 2
    expect_err "missing NAME"
    run "$MS" stats "$slot" --timeout soon
    expect_status 2
    expect_err "usage: mailslot stats NAME"
}

# ---- keygen ------------------------------------------------------------------

# need_keys: 0 when this mailslot can make keys; otherwise prints SKIP and
# returns 1 (built without libsodium). Asks for a file in a directory that
# does not exist, so nothing is made either way.
need_keys() {
    run "$MS" keygen "$tmp/no/such/dir/keys"
    if [ "$status" -eq 1 ] && grep -qF "built without libsodium" "$tmp/err"; then
        echo "SKIP [$case_name]: built without libsodium"
        return 1
    fi
    expect_status 1
    expect_err "cannot create"
    return 0
}

# key_lines FILE: how many key lines FILE has.
key_lines() {
    grep -cE '^key [0-9a-f]{64}( |$)' "$1"
}

# file_mode FILE: its permission bits in octal, e.g. 600.
file_mode() {
    stat -c %a "$1"
}

t_keygen_creates() {
    need_keys || return 0
    local keys=$tmp/keys id
    run "$MS" keygen "$keys"
    expect_status 0
    [ "$(file_mode "$keys")" = 600 ] || fail "mode $(file_mode "$keys"), not 600"
    [ "$(key_lines "$keys")" -eq 1 ] || fail "not one key line: $(cat "$keys")"
    [ "$(wc -l <"$keys")" -eq 2 ] || fail "not a comment and a key: $(cat "$keys")"
    id=$(sed -n 's/^mailslot: key id \(0x[0-9a-f]\{8\}\)$/\1/p' "$tmp/err")
    [ -n "$id" ] || fail "no key id on stderr: $(cat "$tmp/err")"
    head -n1 "$keys" | grep -qE "^# key id $id made [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" ||
        fail "bad comment line: $(head -n1 "$keys")"
    # Attributes, times in their canonical form; "-" is standard output.
    run "$MS" keygen - --accept-from 2026-01-01 --send-from @1767225600 \
        --send-until 2026-06-01T12:00:00Z --domain work --slot 'app\log'
    expect_status 0
    [ "$(key_lines "$tmp/out")" -eq 1 ] || fail "no key on stdout: $(cat "$tmp/out")"
    local want='send-from=2026-01-01T00:00:00Z send-until=2026-06-01T12:00:00Z'
    want+=' accept-from=2026-01-01T00:00:00Z domain=work slot=app\log'
    grep -qF " $want" "$tmp/out" || fail "attributes missing: $(cat "$tmp/out")"
    # Two keys are two different keys.
    run "$MS" keygen - && cp "$tmp/out" "$tmp/one"
    run "$MS" keygen -
    [ "$(grep '^key' "$tmp/one")" != "$(grep '^key' "$tmp/out")" ] || fail "the same key twice"
}

t_keygen_refuses_existing() {
    need_keys || return 0
    local keys=$tmp/keys
    echo "precious" >"$keys"
    chmod 600 "$keys"
    run "$MS" keygen "$keys"
    expect_status 1
    expect_err "$keys exists"
    expect_file "$keys" precious
}

t_keygen_add() {
    need_keys || return 0
    local keys=$tmp/keys first
    "$MS" keygen "$keys" 2>/dev/null || fail "keygen failed"
    first=$(grep '^key' "$keys")
    run "$MS" keygen "$keys" --add --slot other
    expect_status 0
    expect_err "mailslot: key id 0x"
    [ "$(key_lines "$keys")" -eq 2 ] || fail "not two key lines: $(cat "$keys")"
    [ "$(grep '^key' "$keys" | head -n1)" = "$first" ] || fail "the first key changed"
    [ "$(file_mode "$keys")" = 600 ] || fail "mode $(file_mode "$keys"), not 600"
    # A file that does not end with a newline gets one before the new key.
    printf '# no newline' >>"$keys"
    run "$MS" keygen "$keys" --add
    expect_status 0
    [ "$(key_lines "$keys")" -eq 3 ] || fail "not three key lines: $(cat "$keys")"
    # No file to add to.
    run "$MS" keygen "$tmp/missing" --add
    expect_status 1
    expect_err "cannot open $tmp/missing"
    [ ! -e "$tmp/missing" ] || fail "--add created a file"
    run "$MS" keygen - --add
    expect_status 2
}

t_keygen_add_refuses_open_file() {
    need_keys || return 0
    local keys=$tmp/keys
    "$MS" keygen "$keys" 2>/dev/null || fail "keygen failed"
    cp "$keys" "$tmp/before"
    chmod 644 "$keys"
    run "$MS" keygen "$keys" --add
    expect_status 1
    expect_err "mode 644"
    cmp -s "$keys" "$tmp/before" || fail "the file changed"
}

# keygen never writes a file the library would refuse: not a 33rd key.
t_keygen_add_limit() {
    need_keys || return 0
    local keys=$tmp/keys i
    "$MS" keygen "$keys" 2>/dev/null || fail "keygen failed"
    for ((i = 2; i <= 32; i++)); do
        "$MS" keygen "$keys" --add 2>"$tmp/err" || fail "key $i: $(cat "$tmp/err")"
    done
    cp "$keys" "$tmp/before"
    run "$MS" keygen "$keys" --add
    expect_status 1
    expect_err "key file $keys"
    cmp -s "$keys" "$tmp/before" || fail "the file changed"
    [ "$(key_lines "$keys")" -eq 32 ] || fail "not 32 keys"
}

# Bad options are usage errors (status 2), and make no file.
t_keygen_bad_options() {
    need_keys || return 0
    local keys=$tmp/keys
    run "$MS" keygen "$keys" --send-from yesterday
    expect_status 2
    expect_err "--send-from needs a time"
    expect_err "not 'yesterday'"
    [ ! -e "$keys" ] || fail "a file was made"
    # A send period outside the accept period: the library's rule.
    run "$MS" keygen "$keys" --accept-from 2027-01-01 --send-from 2026-01-01
    expect_status 2
    expect_err "the new key: line 1: "
    [ ! -e "$keys" ] || fail "a file was made"
    run "$MS" keygen
    expect_status 2
    expect_err "missing FILE"
}

if ! declare -F "t_$case_name" >/dev/null; then
    echo "cli_test.sh: unknown case '$case_name'" >&2
    exit 2
fi
"t_$case_name"
echo "PASS [$case_name]"
