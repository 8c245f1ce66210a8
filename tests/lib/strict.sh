# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# strict.sh -- whether a test may skip for want of a tool. scripts/test
# installs every tool the suites use when it runs as root, so in CI
# (CI=true) and as root a missing tool is a failure that names the tool,
# never a quiet skip. Elsewhere (a developer without root) it is a skip.
# Sourced by the bash test scripts.

# ms_strict: true when a missing tool must fail the test.
ms_strict() {
    [ "${CI:-}" = true ] || [ "$(id -u)" = 0 ]
}

# ms_cannot_run WHY: prints why the test cannot run, as SKIP or (strict) as
# FAIL; returns 77 (skip) or 1 (failure) for the caller to exit with.
ms_cannot_run() {
    if ms_strict; then
        echo "FAIL: $* (CI=true or root: a missing tool fails instead of skipping)"
        return 1
    fi
    echo "SKIP: $*"
    return 77
}
