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

# The tool links the shared library (src/cli/CMakeLists.txt): it needs
# libmailslot.so.1, and defines no public function itself, so that every
# public call reaches the shared library (one copy of its state) and a fix
# of the library reaches the tool.
t_links_shared() {
    command -v readelf >/dev/null && command -v nm >/dev/null || {
        ms_cannot_run "readelf and nm are needed (apt-get install binutils)"
        exit $?
    }
    readelf -d "$MS" >"$tmp/dynamic" || fail "readelf cannot read $MS"
    grep -q 'NEEDED.*\[libmailslot\.so\.1\]' "$tmp/dynamic" ||
        fail "$MS does not need libmailslot.so.1: $(grep NEEDED "$tmp/dynamic")"
    nm "$MS" >"$tmp/symbols" || fail "nm cannot read $MS"
    if grep -E ' [TtDdBbRr] mailslot_' "$tmp/symbols" >"$tmp/own"; then
        fail "$MS defines public functions of its own: $(tr '\n' ' ' <"$tmp/own")"
    fi
    # and uses the shared library's, mailslot_query among them
    nm -D --undefined-only "$MS" | grep -q ' mailslot_query@MAILSLOT_1\.1$' ||
        fail "$MS does not call mailslot_query@MAILSLOT_1.1 of the shared library"
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

# ---- what the CLI accepts, from its source: help, man page and completion
# are checked against these, so none can drift from the code --------------

src_root=$(cd "$(dirname "$0")/../.." && pwd)

# library_env_vars: the environment variables the library reads: each string
# literal "MAILSLOT_..." in its sources, but for the option and counter names
# used in messages (MAILSLOT_OPT_*, MAILSLOT_STAT_*).
library_env_vars() {
    find "$src_root/src" -path "$src_root/src/cli" -prune -o -name '*.c' -print0 |
        xargs -0 grep -hoE '"MAILSLOT_[A-Z0-9_]+"' | tr -d '"' |
        grep -vE '^MAILSLOT_(OPT|STAT)_' | sort -u
}

# cli_commands: the commands main.c dispatches, a line each.
cli_commands() {
    grep -oE 'strcmp\(cmd, "[a-z]+"\)' "$src_root/src/cli/main.c" | sed -E 's/.*"(.*)".*/\1/'
}

# cli_options COMMAND: the long options COMMAND's source (src/cli/COMMAND.c)
# accepts, "--name" a line, sorted.
cli_options() {
    grep -oE '\{"[a-z][a-z-]*", *(no|required|optional)_argument' "$src_root/src/cli/$1.c" |
        sed -E 's/^\{"([^"]*)".*/--\1/' | sort -u
}

# env_vars_in FILE: the MAILSLOT_* variables FILE names, sorted.
env_vars_in() {
    grep -oE 'MAILSLOT_[A-Z0-9_]+' "$1" | grep -vE '^MAILSLOT_(OPT|STAT)_' | sort -u
}

# The --help of send, listen and forward names every variable the library
# reads, and no other; each command's --help names each of its options.
t_help_environment() {
    library_env_vars >"$tmp/library_vars"
    [ "$(wc -l <"$tmp/library_vars")" -ge 11 ] || fail "found too few variables: $(cat "$tmp/library_vars")"
    local cmd option
    for cmd in send listen forward; do
        run "$MS" "$cmd" --help
        expect_status 0
        env_vars_in "$tmp/out" >"$tmp/help_vars"
        diff -u "$tmp/library_vars" "$tmp/help_vars" >&2 ||
            fail "$cmd --help: its environment variables differ from the library's (see diff)"
    done
    for cmd in $(cli_commands); do
        run "$MS" "$cmd" --help
        expect_status 0
        for option in $(cli_options "$cmd"); do
            grep -qF -- "$option" "$tmp/out" || fail "$cmd --help does not mention $option"
        done
    done
}

# cli_main_options: the options main.c takes without a command.
cli_main_options() {
    grep -oE 'strcmp\(cmd, "--[a-z]+"\)' "$src_root/src/cli/main.c" | sed -E 's/.*"(.*)".*/\1/'
}

# ---- manual pages ------------------------------------------------------------

MAN_PAGES=(docs/man/mailslot.1 docs/man/mailslot.7)

# need_groff: 0 when groff can render; else prints SKIP and returns 1.
need_groff() {
    command -v groff >/dev/null && return 0
    skip_case "needs groff (Debian: groff-base)"
    return 1
}

# Both pages render without a warning: groff with every warning on, and
# man(1), which lays tables out at 80 columns, when it is there.
t_man_lint() {
    need_groff || return 0
    local page
    for page in "${MAN_PAGES[@]}"; do
        run groff -t -man -Tutf8 -ww -z "$src_root/$page"
        expect_status 0
        expect_stderr # nothing
        if ! command -v man >/dev/null; then
            skip_case "needs man (Debian: man-db) for 'man --warnings -l'"
        else
            MANWIDTH=80 run man --warnings -l "$src_root/$page"
            expect_status 0
            expect_stderr
            [ -s "$tmp/out" ] || fail "man -l $page printed nothing"
        fi
    done
}

# render_man PAGE: PAGE as plain text, one paragraph a line (no hyphens
# added, no line breaks within a paragraph), to grep in.
render_man() {
    groff -t -man -Tutf8 -rHY=0 -rLL=1000n -P-cbou "$src_root/$1"
}

# has_word FILE WORD: FILE has WORD, not as part of a longer option or name.
has_word() {
    grep -qE -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)" "$1"
}

# mailslot.1 names every command, every option the source accepts and every
# environment variable the library reads; mailslot.7 every variable too.
t_man_covers_cli() {
    need_groff || return 0
    render_man docs/man/mailslot.1 >"$tmp/man1"
    render_man docs/man/mailslot.7 >"$tmp/man7"
    local cmd option var page version
    # The pages' headers name the tool's MAJOR.MINOR.
    version=$("$MS" --version | sed -n 's/^mailslot \([0-9]*\.[0-9]*\)\..*/\1/p')
    for page in docs/man/mailslot.1 docs/man/mailslot.7; do
        grep -q "^\.TH .* \"mailslot $version\"" "$src_root/$page" || fail "$page: its .TH line does not say mailslot $version"
    done
    for cmd in $(cli_commands); do
        grep -qF "mailslot $cmd" "$tmp/man1" || fail "mailslot.1 has no 'mailslot $cmd'"
        for option in $(cli_options "$cmd"); do
            has_word "$tmp/man1" "$option" || fail "mailslot.1 does not name $option ($cmd)"
        done
    done
    for option in $(cli_main_options); do
        has_word "$tmp/man1" "$option" || fail "mailslot.1 does not name $option"
    done
    for var in $(library_env_vars); do
        has_word "$tmp/man1" "$var" || fail "mailslot.1 does not name $var"
        has_word "$tmp/man7" "$var" || fail "mailslot.7 does not name $var"
    done
    sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$tmp/man1" >"$tmp/exit"
    for option in 0 1 2; do
        grep -qE "^ +$option( |\$)" "$tmp/exit" || fail "mailslot.1 has no exit status $option"
    done
}

# ---- bash completion ---------------------------------------------------------

# complete_words WORD...: what _mailslot completes for the last WORD, sorted,
# one a line.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _mailslot
    [ "${#COMPREPLY[@]}" -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

# The completion offers the commands, and for each command exactly the
# options its source accepts; files for --key-file and keygen's FILE.
t_completion() {
    # shellcheck source=../../contrib/bash-completion/mailslot
    . "$src_root/contrib/bash-completion/mailslot"
    complete_words mailslot "" >"$tmp/got"
    { cli_commands; cli_main_options; } | sort >"$tmp/want"
    diff -u "$tmp/want" "$tmp/got" >&2 || fail "the commands differ (see diff)"
    local cmd
    for cmd in $(cli_commands); do
        complete_words mailslot "$cmd" x - >"$tmp/got"
        cli_options "$cmd" >"$tmp/want"
        diff -u "$tmp/want" "$tmp/got" >&2 || fail "the options of $cmd differ (see diff)"
    done
    complete_words mailslot listen x --j >"$tmp/got"
    expect_file "$tmp/got" --json
    complete_words mailslot send x --suite "" >"$tmp/got"
    expect_file "$tmp/got" 1 2
    complete_words mailslot listen x --count "" >"$tmp/got"
    expect_file "$tmp/got" # a number: nothing to offer
    mkdir "$tmp/files"
    : >"$tmp/files/keys.a"
    : >"$tmp/files/keys b"
    : >"$tmp/files/other"
    complete_words mailslot send x --key-file "$tmp/files/ke" >"$tmp/got"
    expect_file "$tmp/got" "$tmp/files/keys b" "$tmp/files/keys.a"
    complete_words mailslot forward --key-file "$tmp/files/o" >"$tmp/got"
    expect_file "$tmp/got" "$tmp/files/other"
    complete_words mailslot keygen "$tmp/files/o" >"$tmp/got"
    expect_file "$tmp/got" "$tmp/files/other"
    complete_words mailslot keygen --add "$tmp/files/k" >"$tmp/got"
    expect_file "$tmp/got" "$tmp/files/keys b" "$tmp/files/keys.a"
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
    expect_stderr "mailslot: no reader owns \\\\.\\mailslot\\$slot" # said once
}

# A malformed NAME is a usage error: the library's reason and the usage line.
t_bad_name() {
    run "$MS" send '\\.\pipe\x' hello
    expect_status 2
    expect_stderr 'mailslot: mailslot name "\\.\pipe\x" has the prefix "pipe" instead of "mailslot"' \
        "usage: mailslot send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]"
    run "$MS" listen '\\.\pipe\x'
    expect_status 2
    expect_stderr 'mailslot: mailslot name "\\.\pipe\x" has the prefix "pipe" instead of "mailslot"' \
        "usage: mailslot listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]"
    run "$MS" send 'a\\b' hello
    expect_status 2
    expect_stderr 'mailslot: mailslot path "a\\b" has an empty segment' \
        "usage: mailslot send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]"
    new_slot
    run "$MS" listen "\\\\*\\mailslot\\$slot" # a reader must be local
    expect_status 2
    expect_stderr "mailslot: a reader can only be created for a local name, not \\\\*\\mailslot\\$slot" \
        "usage: mailslot listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]"
}

# A key file that is not there is the key file's problem, not "no reader".
t_key_file_missing() {
    need_keys || return 0
    new_slot
    MAILSLOT_KEY_FILE=$tmp/nonexistent run "$MS" send "\\\\*\\mailslot\\$slot" hi
    expect_status 1
    expect_stderr "mailslot: key file $tmp/nonexistent: No such file or directory (OS error 2)"
    MAILSLOT_KEY_FILE=$tmp/nonexistent run "$MS" listen "$slot" --timeout 0
    expect_status 1
    expect_stderr "mailslot: key file $tmp/nonexistent: No such file or directory (OS error 2)"
    : >"$tmp/open"
    chmod 644 "$tmp/open"
    MAILSLOT_KEY_FILE=$tmp/open run "$MS" send "\\\\*\\mailslot\\$slot" hi
    expect_status 1
    expect_stderr "mailslot: key file $tmp/open holds keys but its mode is 0644: other users may read or change it (chmod 600 $tmp/open)"
}

# A bad environment variable is a failure (1), named once, without usage.
t_bad_environment() {
    new_slot
    MAILSLOT_PORT=abc run "$MS" send "\\\\*\\mailslot\\$slot" hi
    expect_status 1
    expect_stderr 'mailslot: MAILSLOT_PORT: "abc" is not a number'
    MAILSLOT_SUITE=3 run "$MS" listen "$slot" --timeout 0
    expect_status 1
    expect_stderr "mailslot: MAILSLOT_SUITE: 3 is not a suite (1: signed, 2: signed and encrypted)"
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

# --json: awkward payloads come out as one valid JSON line each, as text
# when they are UTF-8 and as base64 when not.
t_json() {
    new_slot
    start_listener "$slot" --json --count 14
    run "$MS" send "$slot" 'say "hi"' 'back\slash' $'two\nlines' "" 'é€😀' $'\x7f'
    expect_status 0
    # Through standard input (a line each): a NUL, an overlong NUL, a UTF-8
    # surrogate, a byte that is never UTF-8, a truncated sequence, a code
    # point past U+10FFFF, and every control character but the newline.
    printf '\000nul\n\300\200\n\355\240\200\n\377\n\342\202\n\364\220\200\200\n' >"$tmp/in"
    printf '%b' "$(printf '\\%03o' {1..9} {11..31})" >>"$tmp/in"
    "$MS" send "$slot" <"$tmp/in" || fail "send from stdin failed"
    finish_listener
    expect_status 0
    [ "$(wc -l <"$tmp/listen.out")" -eq 14 ] || fail "not 14 lines: $(cat "$tmp/listen.out")"
    python3 "$(dirname "$0")/check_json.py" "$tmp/listen.out" "\\\\.\\mailslot\\$slot" \
        >"$tmp/payloads" || fail "bad JSON: $(cat "$tmp/listen.out")"
    expect_file "$tmp/payloads" 70726f6265 7361792022686922 6261636b5c736c617368 \
        74776f0a6c696e6573 "" c3a9e282acf09f9880 7f 006e756c c080 eda080 ff e282 f4908080 \
        0102030405060708090b0c0d0e0f101112131415161718191a1b1c1d1e1f
    # Some lines exactly: the escapes, and base64 for what is not UTF-8.
    local head="{\"slot\": \"\\\\\\\\.\\\\mailslot\\\\$slot\", "
    local line
    for line in "$head\"len\": 8, \"text\": \"say \\\"hi\\\"\"}" \
        "$head\"len\": 10, \"text\": \"back\\\\slash\"}" \
        "$head\"len\": 9, \"text\": \"two\\nlines\"}" \
        "$head\"len\": 0, \"text\": \"\"}" \
        "$head\"len\": 4, \"text\": \"\\u0000nul\"}" \
        "$head\"len\": 2, \"base64\": \"wIA=\"}" \
        "$head\"len\": 1, \"base64\": \"/w==\"}" \
        "$head\"len\": 30, \"text\": \"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"}"; do
        grep -qxF -- "$line" "$tmp/listen.out" || fail "no line $line in: $(cat "$tmp/listen.out")"
    done
}

# Each JSON line is flushed as it is made, while the listener runs.
t_json_flushed() {
    new_slot
    start_listener "$slot" --json
    wait_for_output "{\"slot\": \"\\\\\\\\.\\\\mailslot\\\\$slot\", \"len\": 5, \"text\": \"$PROBE\"}"
    kill -TERM "$listener"
    finish_listener
    expect_status 0
}

t_json_usage() {
    run "$MS" listen x --json --hex
    expect_status 2
    expect_stderr "mailslot: --hex and --json do not go together" \
        "usage: mailslot listen NAME [--count N] [--timeout MS] [--hex] [--json] [--key-file FILE]"
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
        skip_case "needs root, a user nobody and setpriv"
        return 0
    fi
    new_slot
    start_listener "$slot" --count 2
    # nobody may not be able to reach the build tree (a checkout under /root):
    # the tool and the libmailslot it loads, copied where every user reads.
    local as_other lib
    as_other=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-other.XXXXXX") || fail "mktemp"
    lib=$(ldd "$MS" | awk '$1 == "libmailslot.so.1" { print $3 }')
    chmod 755 "$as_other" && cp "$MS" "$as_other/mailslot" && { [ -z "$lib" ] || cp -L "$lib" "$as_other/"; } ||
        fail "copying the tool and its library for nobody"
    run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        env LD_LIBRARY_PATH="$as_other" "$as_other/mailslot" send "$slot" intruder
    rm -rf "$as_other"
    expect_status 1
    expect_err "does not accept user $(id -u nobody)"
    "$MS" send "$slot" own || fail "root's own send failed"
    finish_listener
    expect_status 0
    expect_messages "$PROBE" own
}

# ---- stats -------------------------------------------------------------------

# The lines of `mailslot stats`, in order: the values abi/constants.txt marks
# query (FIELD:...query... in its fourth column, in table order), then every
# counter of the table (MAILSLOT_STAT_* in key order, named in lower case
# without the prefix), so that a value the tool does not print fails here.
mapfile -t STATS_VALUES < <(awk '/^MAILSLOT_/ && split($4, r, ":") == 2 && r[2] ~ /(^|,)query(,|$)/ { print r[1] }' \
    "$src_root/abi/constants.txt")
[ "${#STATS_VALUES[@]}" -gt 0 ] || fail "no row marked query in $src_root/abi/constants.txt"
mapfile -t STATS_COUNTERS < <(awk '/^MAILSLOT_STAT_/ { sub(/^MAILSLOT_STAT_/, "", $1); print tolower($1) }' \
    "$src_root/abi/constants.txt")
[ "${#STATS_COUNTERS[@]}" -gt 0 ] || fail "no MAILSLOT_STAT_* row in $src_root/abi/constants.txt"
STATS_KEYS=("${STATS_VALUES[@]}" "${STATS_COUNTERS[@]}")

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

# stats --json: one object with the keys of the text output, in order; and
# listen --key-file: the listener has the flag's key, not the environment's.
t_stats_json() {
    need_keys || return 0
    "$MS" keygen "$tmp/keys" 2>/dev/null || fail "keygen failed"
    new_slot
    MAILSLOT_KEY_FILE=$tmp/nonexistent "$MS" listen "$slot" --count 1 --key-file "$tmp/keys" \
        >"$tmp/listen.out" 2>"$tmp/listen.err" &
    listener=$!
    local i
    for ((i = 0; i < 20000; i++)); do
        run "$MS" stats "$slot" --json
        [ "$status" -eq 0 ] && break
        expect_err "no reader owns"
        kill -0 "$listener" 2>/dev/null || fail "listener ended early: $(cat "$tmp/listen.err")"
    done
    expect_status 0
    [ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "not one line: $(cat "$tmp/out")"
    python3 -c 'import json, sys
obj = json.loads(open(sys.argv[1]).read())
assert all(type(v) is int for v in obj.values()), obj
print("\n".join(obj))
print("keys=%d waiting=%d" % (obj["keys"], obj["messages_waiting"]))' "$tmp/out" >"$tmp/seen" ||
        fail "not a JSON object of numbers: $(cat "$tmp/out")"
    expect_file "$tmp/seen" "${STATS_KEYS[@]}" "keys=1 waiting=0"
    "$MS" send "$slot" bye || fail "send failed"
    finish_listener
    expect_status 0
}

# --key-file and --suite are used, and override the environment.
t_key_flags() {
    need_keys || return 0
    "$MS" keygen "$tmp/keys" 2>/dev/null || fail "keygen failed"
    "$MS" keygen "$tmp/other" --slot other 2>/dev/null || fail "keygen failed"
    new_slot
    local star="\\\\*\\mailslot\\$slot"
    MAILSLOT_KEY_FILE=$tmp/nonexistent run "$MS" send "$star" --key-file "$tmp/keys" hi
    expect_status 0
    MAILSLOT_KEY_FILE=$tmp/keys run "$MS" send "$star" --key-file "$tmp/other" hi
    expect_status 1 # the flag's key covers only the slot "other"
    expect_stderr "mailslot: no key may sign a message to $star now: the writer's keys do not cover it, or their send periods do not hold the time"
    MAILSLOT_SUITE=9 run "$MS" send "$star" --key-file "$tmp/keys" --suite 2 hi
    expect_status 0
    MAILSLOT_SUITE=9 run "$MS" send "$star" --key-file "$tmp/keys" hi
    expect_status 1
    expect_stderr "mailslot: MAILSLOT_SUITE: 9 is not a suite (1: signed, 2: signed and encrypted)"
    run "$MS" send "$star" --suite 3 hi
    expect_status 2
    expect_stderr "mailslot: --suite needs a number from 1 to 2, not '3'" \
        "usage: mailslot send NAME [--key-file FILE] [--suite 1|2] [MESSAGE...]"
    run "$MS" send "$star" --key-file "" hi
    expect_status 2
    expect_err "mailslot: --key-file needs a FILE"
    MAILSLOT_KEY_FILE=$tmp/keys run "$MS" listen "$slot" --key-file "$tmp/nonexistent" --timeout 0
    expect_status 1
    expect_stderr "mailslot: key file $tmp/nonexistent: No such file or directory (OS error 2)"
    MAILSLOT_KEY_FILE=$tmp/keys run "$MS" forward --key-file "$tmp/nonexistent"
    expect_status 1
    expect_stderr "mailslot: key file $tmp/nonexistent: No such file or directory (OS error 2)"
}

t_stats_no_reader() {
    new_slot
    run "$MS" stats "$slot"
    expect_status 1
    expect_stderr "mailslot: no reader owns \\\\.\\mailslot\\$slot"
    [ ! -s "$tmp/out" ] || fail "unexpected output: $(cat "$tmp/out")"
    run "$MS" stats "\\\\*\\mailslot\\$slot" # only a local reader can be asked
    expect_status 2
    expect_stderr "mailslot: only the reader of a local name can be asked, not \\\\*\\mailslot\\$slot" \
        "usage: mailslot stats NAME [--timeout MS] [--json]"
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
        skip_case "built without libsodium"
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
