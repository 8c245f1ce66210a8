#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_os_headers.sh SOURCE_DIR -- the portable core includes no OS header
# (docs/ARCHITECTURE.md): no <sys/...>, <windows.h> or <winsock2.h> in src/
# but in the OS backends (src/linux/, src/win32/) and the tool's platform
# files (src/cli/wait_posix.c, src/cli/wait_win32.c, and src/cli/keygen.c,
# which checks a key file's mode with fstat as the library will).
set -u
root=$1
allowed='^src/(linux|win32)/|^src/cli/(wait_posix|wait_win32|keygen)\.c$'
bad=0
checked=0
while IFS= read -r -d '' f; do
    rel=${f#"$root"/}
    [[ $rel =~ $allowed ]] && continue
    checked=$((checked + 1))
    if hits=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(sys/|windows\.h>|winsock2\.h>)' "$f"); then
        printf '%s: %s\n' "$rel" "$hits"
        bad=$((bad + 1))
    fi
done < <(find "$root/src" -type f \( -name '*.c' -o -name '*.h' \) -print0)
echo "os headers: $checked files of the portable core checked, $bad include an OS header"
[ "$bad" -eq 0 ] && [ "$checked" -gt 30 ]
