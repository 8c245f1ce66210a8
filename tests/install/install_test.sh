#!/usr/bin/env bash
# install_test.sh BUILD_DIR SOURCE_DIR [SANITIZERS] -- installs the build into
# a scratch prefix, then configures, builds and runs a consumer with
# find_package (built with the library's sanitizers, if any).
set -euo pipefail
build=${1:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in include/mailslot.h lib/libmailslot.so bin/mailslot; do
    [ -e "$tmp/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
sanitize=${3:-}
flags=()
if [ -n "$sanitize" ]; then
    flags=(-DCMAKE_C_FLAGS="-fsanitize=$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
cmake -S "$src" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" "${flags[@]}" >/dev/null
cmake --build "$tmp/build" >/dev/null
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/build/consumer"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/prefix/bin/mailslot" --version
