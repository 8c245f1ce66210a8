#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# strict_test.sh SOURCE_DIR -- in CI a suite never skips for a missing tool:
#   1. tests/lib/strict.sh: with CI=true, ms_cannot_run prints FAIL and
#      returns 1; without CI and as a user other than root (run through
#      setpriv as nobody, when this runs as root) it prints SKIP and returns 77;
#   2. configuring with MAILSLOT_REQUIRE_ALL=ON (and with CI=true, its
#      default) fails naming the missing tool (SWIG, hidden from find_package),
#      while the same configuration without it succeeds and says what it left out.
set -u
src=${1:?usage: strict_test.sh SOURCE_DIR}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailslot-strict.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0
check() { # check WHAT STATUS: STATUS 0 passes
    if [ "$2" -eq 0 ]; then
        echo "PASS $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1"
        failed=$((failed + 1))
    fi
}

out=$(CI=true bash -c '. "$1/tests/lib/strict.sh"; ms_cannot_run "needs frobnicate"' _ "$src")
rc=$?
[ "$rc" -eq 1 ] && [[ "$out" == "FAIL: needs frobnicate"* ]]
check "CI=true: a missing tool fails (status $rc: $out)" $?

if [ "$(id -u)" = 0 ]; then
    cp "$src/tests/lib/strict.sh" "$tmp/strict.sh" && chmod 755 "$tmp" && chmod 644 "$tmp/strict.sh"
    out=$(env -u CI setpriv --reuid=nobody --regid=nogroup --clear-groups \
        bash -c '. "$1"; ms_cannot_run "needs frobnicate"' _ "$tmp/strict.sh")
    rc=$?
else
    out=$(env -u CI bash -c '. "$1/tests/lib/strict.sh"; ms_cannot_run "needs frobnicate"' _ "$src")
    rc=$?
fi
[ "$rc" -eq 77 ] && [ "$out" = "SKIP: needs frobnicate" ]
check "a user without CI: a missing tool is a skip (status $rc: $out)" $?

# Configure only the part that looks for SWIG: no tests, nothing else.
configure() {
    cmake -S "$src" -B "$tmp/build-$1" -DMAILSLOT_BUILD_TESTS=OFF -DMAILSLOT_BUILD_CLI=OFF \
        -DMAILSLOT_BUILD_EXAMPLES=OFF -DMAILSLOT_BUILD_BENCH=OFF -DMAILSLOT_BUILD_PYTHON=OFF \
        -DMAILSLOT_BUILD_CSHARP=OFF -DMAILSLOT_BUILD_LUA=ON -DCMAKE_DISABLE_FIND_PACKAGE_SWIG=ON \
        -DMAILSLOT_WITH_SODIUM=OFF "${@:2}" >"$tmp/$1.log" 2>&1
}
env -u CI bash -c "$(declare -f configure); src=\$1 tmp=\$2 configure lenient -DMAILSLOT_REQUIRE_ALL=OFF" _ "$src" "$tmp"
rc=$?
[ "$rc" -eq 0 ] && grep -q "SWIG 4 not found, skipping the SWIG bindings" "$tmp/lenient.log"
check "without MAILSLOT_REQUIRE_ALL: configured, SWIG left out (status $rc)" $? || cat "$tmp/lenient.log"
CI=true bash -c "$(declare -f configure); src=\$1 tmp=\$2 configure ci" _ "$src" "$tmp"
rc=$?
[ "$rc" -ne 0 ] && grep -q "SWIG 4 not found.*MAILSLOT_REQUIRE_ALL" <(tr -d '\n' <"$tmp/ci.log")
check "CI=true: the configuration fails, naming SWIG (status $rc)" $?
[ "$rc" -ne 0 ] || cat "$tmp/ci.log"

echo "strict: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
