# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # case_name comes from, and slot and status go to, the sourcing script
# lib.sh -- helpers for the bash tests of the `mailslot` tool and the C
# examples. Sourced by cli_test.sh and examples_test.sh after they set
# $case_name. Every test runs in its own process, so $$ in slot names keeps
# tests that run in parallel (ctest -j) apart.

set -u

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-cli.XXXXXX") || exit 1
listener=""   # pid of a background `mailslot listen`, until it is reaped
counter=0
status=0

cleanup() {
    if [ -n "$listener" ]; then
        kill -KILL "$listener" 2>/dev/null
        wait "$listener" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL [$case_name]: $*" >&2
    exit 1
}

# shellcheck source=../lib/strict.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/strict.sh"

# skip_case WHY: the case cannot run here for want of a tool or a right: it
# passes with a SKIP line, or fails in CI and as root (tests/lib/strict.sh).
skip_case() {
    ms_cannot_run "[$case_name] $*" >&2 || [ $? -eq 77 ] || exit 1
}

# A slot name no other test uses: the case, this shell's pid, a counter.
new_slot() {
    counter=$((counter + 1))
    slot="clitest_${case_name}_$$_${counter}"
}

# run CMD...: runs CMD with stdout in $tmp/out and stderr in $tmp/err; sets $status.
run() {
    "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

expect_status() {
    [ "$status" -eq "$1" ] ||
        fail "expected exit status $1, got $status; stdout: $(cat "$tmp/out" 2>/dev/null); stderr: $(cat "$tmp/err" 2>/dev/null)"
}

# expect_err TEXT: stderr of the last run contains TEXT.
expect_err() {
    grep -qF -- "$1" "$tmp/err" || fail "stderr lacks '$1'; it is: $(cat "$tmp/err")"
}

# expect_stderr LINE...: stderr of the last run is exactly these lines: an
# error said once, in the words expected.
expect_stderr() {
    expect_file "$tmp/err" "$@"
}

# expect_file FILE LINE...: FILE consists of exactly these lines.
expect_file() {
    local file=$1
    shift
    : >"$tmp/expected"
    [ $# -eq 0 ] || printf '%s\n' "$@" >"$tmp/expected"
    diff -u "$tmp/expected" "$file" >&2 || fail "$file differs from what was expected (see diff above)"
}
