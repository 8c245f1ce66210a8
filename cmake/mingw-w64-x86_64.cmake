# SPDX-License-Identifier: MIT
# Cross-compiling for 64-bit Windows with MinGW-w64 (Debian: gcc-mingw-w64-x86-64),
# running the results under Wine (Debian: wine64).
#
#   cmake --preset windows        (CMakePresets.json uses this file)
#
# MAILSLOT_MINGW_PREFIX (optional, ";"-separated) names prefixes holding
# cross-built dependencies such as cmocka (scripts/build-cmocka-mingw) and
# libsodium (scripts/build-sodium-mingw).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_ms_triplet x86_64-w64-mingw32)
# The "-win32" compilers use native Windows threads for the toolchain's own
# runtime (no libwinpthread-1.dll needed by what we ship).
find_program(CMAKE_C_COMPILER NAMES ${_ms_triplet}-gcc-win32 ${_ms_triplet}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${_ms_triplet}-windres REQUIRED)

set(CMAKE_FIND_ROOT_PATH /usr/${_ms_triplet} ${MAILSLOT_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# CTest runs the test programs under Wine. Set WINEPREFIX (a directory of
# its own, made once with `wineboot -i`) and WINEDEBUG=-all in the
# environment; the `windows` test preset does.
find_program(MAILSLOT_WINE NAMES wine)
if(MAILSLOT_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MAILSLOT_WINE})
endif()
