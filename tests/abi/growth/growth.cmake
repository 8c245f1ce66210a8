# SPDX-License-Identifier: MIT
# growth.cmake -- the inputs of the next minor dry run (tests/abi/growth/README.md),
# made from the current abi/ files the way a minor release changes them:
#
#   cmake -DABI=abi -DOUT=<dir> -P growth.cmake
#
# OUT/mailslot.h    the header, its minor version + 1 (patch 0), with
#                   mailslot_growth_example declared at the end
# OUT/mailslot.map  the version script with a new node MAILSLOT_<major>.<minor+1>
#                   for it, inheriting the last node
# OUT/mailslot.def  the .def file with it in EXPORTS
# OUT/node.txt      the new node's name
cmake_minimum_required(VERSION 3.18)

set(_fn mailslot_growth_example)
file(READ "${ABI}/mailslot.h" _h)
foreach(_part MAJOR MINOR)
  if(NOT _h MATCHES "#define MAILSLOT_VERSION_${_part} ([0-9]+)")
    message(FATAL_ERROR "no MAILSLOT_VERSION_${_part} in ${ABI}/mailslot.h")
  endif()
  set(_${_part} ${CMAKE_MATCH_1})
endforeach()
math(EXPR _next "${_MINOR} + 1")
set(_node "MAILSLOT_${_MAJOR}.${_next}")

# The header: a newer minor version and the new function, before the closing
# extern "C" block.
string(REGEX REPLACE "#define MAILSLOT_VERSION_MINOR [0-9]+" "#define MAILSLOT_VERSION_MINOR ${_next}" _h "${_h}")
string(REGEX REPLACE "#define MAILSLOT_VERSION_PATCH [0-9]+" "#define MAILSLOT_VERSION_PATCH 0" _h "${_h}")
string(FIND "${_h}" "#ifdef __cplusplus\n}" _at REVERSE)
if(_at LESS 0)
  message(FATAL_ERROR "${ABI}/mailslot.h: no closing extern \"C\" block")
endif()
string(SUBSTRING "${_h}" 0 ${_at} _head)
string(SUBSTRING "${_h}" ${_at} -1 _tail)
set(_h "${_head}/* Since ${_MAJOR}.${_next} (the dry run of tests/abi/growth): returns x + 1. */
MAILSLOT_API int MAILSLOT_CALL ${_fn}(int x);

${_tail}")

# The version script: a new node after the last one.
file(READ "${ABI}/mailslot.map" _map)
string(REGEX MATCHALL "MAILSLOT_[0-9]+\\.[0-9]+[ \t\r\n]*{" _nodes "${_map}")
list(GET _nodes -1 _last)
string(REGEX REPLACE "[ \t\r\n]*{$" "" _last "${_last}")
string(APPEND _map "
${_node} {
  global:
    ${_fn};
} ${_last};
")

# The .def file: one more export.
file(READ "${ABI}/mailslot.def" _def)
string(STRIP "${_def}" _def)
string(APPEND _def "\n")
string(APPEND _def "    ${_fn}\n")

file(MAKE_DIRECTORY "${OUT}")
foreach(_f IN ITEMS h map def)
  file(WRITE "${OUT}/mailslot.${_f}.tmp" "${_${_f}}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different
    "${OUT}/mailslot.${_f}.tmp" "${OUT}/mailslot.${_f}")
  file(REMOVE "${OUT}/mailslot.${_f}.tmp")
endforeach()
file(WRITE "${OUT}/node.txt" "${_node}\n")
message(STATUS "growth: ${_fn} in ${_node} (after ${_last}) in ${OUT}")
