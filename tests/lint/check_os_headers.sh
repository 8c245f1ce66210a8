#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_os_headers.sh SOURCE_DIR -- the include rules of docs/ARCHITECTURE.md
# ("Folders and what they may include"):
#   - the portable core includes no OS header: no <sys/...>, <windows.h> or
#     <winsock2.h> in src/ but in the OS backends (src/linux/, src/win32/)
#     and the tool's platform files (src/cli/wait_posix.c,
#     src/cli/wait_win32.c, and src/cli/keygen.c, which checks a key file's
#     mode with fstat as the library will);
#   - the core (src/, src/net/, src/auth/) includes no backend header
#     ("linux/...", "win32/...") nor os_sockets.h (for the backends only; the
#     tool neither), and src/net/ and src/auth/ do not include transport.h;
#   - src/auth/ includes of net/ only net/wire.h and net/netconfig.h;
#   - src/linux/ never includes "win32/...", src/win32/ never "linux/...".
set -u
root=$1
os_allowed='^src/(linux|win32)/|^src/cli/(wait_posix|wait_win32|keygen)\.c$'
os_header='^[[:space:]]*#[[:space:]]*include[[:space:]]*<(sys/|windows\.h>|winsock2\.h>)'

# What a folder's files must not include (quoted includes, written from src/).
forbidden() {
    case $1 in
    src/net/*) echo '^(transport\.h|os_sockets\.h|linux/|win32/)' ;;
    src/auth/*) echo '^(transport\.h|os_sockets\.h|linux/|win32/|net/)' ;;
    src/linux/*) echo '^win32/' ;;
    src/win32/*) echo '^linux/' ;;
    src/cli/*) echo '^os_sockets\.h$' ;;
    src/*) echo '^(os_sockets\.h|linux/|win32/)' ;;
    esac
}
# What src/auth/ may include of net/ after all.
auth_net_allowed='^net/(wire|netconfig)\.h$'

bad=0
checked=0
while IFS= read -r -d '' f; do
    rel=${f#"$root"/}
    if ! [[ $rel =~ $os_allowed ]]; then
        checked=$((checked + 1))
        if hits=$(grep -nE "$os_header" "$f"); then
            printf '%s: includes an OS header: %s\n' "$rel" "$hits"
            bad=$((bad + 1))
        fi
    fi
    rule=$(forbidden "$rel")
    [ -n "$rule" ] || continue
    while IFS=: read -r line inc; do
        inc=${inc#*\"}
        inc=${inc%%\"*}
        [[ $inc =~ $rule ]] || continue
        [[ $rel == src/auth/* && $inc =~ $auth_net_allowed ]] && continue
        printf '%s:%s: includes "%s", which docs/ARCHITECTURE.md does not allow there\n' \
            "$rel" "$line" "$inc"
        bad=$((bad + 1))
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
done < <(find "$root/src" -type f \( -name '*.c' -o -name '*.h' \) -print0)
echo "include rules: $checked files of the portable core checked for OS headers, $bad violations"
[ "$bad" -eq 0 ] && [ "$checked" -gt 30 ]
