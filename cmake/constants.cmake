# SPDX-License-Identifier: MIT
# constants.cmake -- the tables of abi/constants.txt that the library and the
# bindings need, written from the table so that no constant is typed twice.
#
#   include(cmake/constants.cmake)   read_table(FILE PREFIX) only
#
#   cmake -DGENERATE=c -DTABLE=abi/constants.txt -DOUT=ms_constants.h -P cmake/constants.cmake
#     The C header of the library's own tables (src/net/netrecv.h includes it):
#     MS_STAT_FIRST, MS_STAT_COUNT and MS_STAT_NAMES, the counters' names as
#     `mailslot stats` prints them. Written at build time (CMakeLists.txt).
#
#   cmake -DGENERATE=python -DTABLE=abi/constants.txt -DOUT=.../_constants.py -P cmake/constants.cmake
#     The Python package's module of constants. It is kept in the source tree
#     (the package runs from bindings/python/src and installs with pip
#     without CMake): `cmake --build <dir> --target constants` rewrites it.
#
#   cmake -DGENERATE=check-python -DTABLE=abi/constants.txt -DOUT=.../_constants.py -P cmake/constants.cmake
#     Fails when that file is not what GENERATE=python writes (test abi_generated).
#
# A counter's name is its constant's name after MAILSLOT_STAT_ in lower case
# (net_received, auth_none, ...): `mailslot stats`, the drop log, Lua's
# r:stats() and Python's NetworkStats (without the net_ prefix) say it so.
cmake_minimum_required(VERSION 3.18)

# read_table(FILE PREFIX): PREFIX_names (in order) and PREFIX_row_<NAME> = "VALUE TYPE".
function(read_table file prefix)
  file(STRINGS "${file}" _lines)
  set(_names "")
  foreach(_l IN LISTS _lines)
    if(_l MATCHES "^[ \t]*(#|$)")
      continue()
    endif()
    if(NOT _l MATCHES "^(MAILSLOT_[A-Z0-9_]+)[ \t]+(-?[0-9]+)[ \t]+(int|unsigned)[ \t]*$")
      message(FATAL_ERROR "${file}: cannot read the line '${_l}' (NAME VALUE int|unsigned)")
    endif()
    if(DEFINED ${prefix}_row_${CMAKE_MATCH_1})
      message(FATAL_ERROR "${file}: ${CMAKE_MATCH_1} is there twice")
    endif()
    list(APPEND _names ${CMAKE_MATCH_1})
    set(${prefix}_row_${CMAKE_MATCH_1} "${CMAKE_MATCH_2} ${CMAKE_MATCH_3}")
    set(${prefix}_row_${CMAKE_MATCH_1} "${CMAKE_MATCH_2} ${CMAKE_MATCH_3}" PARENT_SCOPE)
  endforeach()
  set(${prefix}_names "${_names}" PARENT_SCOPE)
endfunction()

if(NOT DEFINED GENERATE)
  return() # included for read_table
endif()

read_table("${TABLE}" _t)

# The value of row NAME in OUT_VAR.
macro(_value_of name out_var)
  string(REGEX MATCH "^-?[0-9]+" ${out_var} "${_t_row_${name}}")
endmacro()

# The counters, in key order, which must be contiguous (arrays are indexed by
# key - MS_STAT_FIRST).
set(_stats "")
set(_first "")
set(_next "")
foreach(_n IN LISTS _t_names)
  if(_n MATCHES "^MAILSLOT_STAT_")
    _value_of(${_n} _v)
    if(_first STREQUAL "")
      set(_first ${_v})
    elseif(NOT _v EQUAL _next)
      message(FATAL_ERROR "${TABLE}: ${_n} is ${_v}, but the counters are numbered without gaps "
                          "in table order: it must be ${_next}")
    endif()
    math(EXPR _next "${_v} + 1")
    list(APPEND _stats ${_n})
  endif()
endforeach()
list(LENGTH _stats _stat_count)

# content_if_different(FILE TEXT): writes FILE only when TEXT differs, so that
# what depends on it is not rebuilt for nothing.
function(_write_if_different file text)
  if(EXISTS "${file}")
    file(READ "${file}" _old)
    if(_old STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE "${file}" "${text}")
endfunction()

if(GENERATE STREQUAL "c")
  set(_out "/* SPDX-License-Identifier: MIT */\n")
  string(APPEND _out "/* ms_constants.h -- generated from abi/constants.txt by cmake/constants.cmake:\n")
  string(APPEND _out " * do not edit. The library's tables of the counters (MAILSLOT_STAT_*). */\n")
  string(APPEND _out "#ifndef MS_CONSTANTS_H\n#define MS_CONSTANTS_H\n\n")
  list(GET _stats 0 _first_name)
  string(APPEND _out "/* The first counter's key; the others follow it without gaps. */\n")
  string(APPEND _out "#define MS_STAT_FIRST ${_first_name}\n\n")
  string(APPEND _out "/* How many counters there are. */\n")
  string(APPEND _out "#define MS_STAT_COUNT ${_stat_count}\n\n")
  string(APPEND _out "/* Their names, in key order, as `mailslot stats` prints them. */\n")
  string(APPEND _out "#define MS_STAT_NAMES")
  foreach(_n IN LISTS _stats)
    string(REGEX REPLACE "^MAILSLOT_STAT_" "" _short "${_n}")
    string(TOLOWER "${_short}" _short)
    string(APPEND _out " \\\n    \"${_short}\",")
  endforeach()
  string(APPEND _out "\n\n#endif\n")
  _write_if_different("${OUT}" "${_out}")
  return()
endif()

if(GENERATE STREQUAL "python" OR GENERATE STREQUAL "check-python")
  set(_out "# SPDX-License-Identifier: MIT\n")
  string(APPEND _out "# Generated from abi/constants.txt by cmake/constants.cmake: do not edit.\n")
  string(APPEND _out "# `cmake --build <dir> --target constants` writes it again; the test\n")
  string(APPEND _out "# abi_generated fails while it differs from the table.\n")
  string(APPEND _out "\"\"\"Every constant of abi/mailslot.h, named without its MAILSLOT_ prefix.\n")
  string(APPEND _out "Their numbers are ABI.\"\"\"\n\n")
  foreach(_n IN LISTS _t_names)
    string(REGEX REPLACE "^MAILSLOT_" "" _short "${_n}")
    _value_of(${_n} _v)
    string(APPEND _out "${_short} = ${_v}\n")
  endforeach()
  string(APPEND _out "\n#: The counters (MAILSLOT_STAT_*) in key order: (name, key), the name as\n")
  string(APPEND _out "#: `mailslot stats` prints it.\n")
  string(APPEND _out "COUNTERS = (\n")
  foreach(_n IN LISTS _stats)
    string(REGEX REPLACE "^MAILSLOT_STAT_" "" _short "${_n}")
    string(TOLOWER "${_short}" _lower)
    string(APPEND _out "    (\"${_lower}\", STAT_${_short}),\n")
  endforeach()
  string(APPEND _out ")\n")
  if(GENERATE STREQUAL "python")
    _write_if_different("${OUT}" "${_out}")
    return()
  endif()
  file(READ "${OUT}" _have)
  if(NOT _have STREQUAL _out)
    message(FATAL_ERROR "${OUT} is not what ${TABLE} gives: write it again with\n"
                        "  cmake --build <build dir> --target constants\n"
                        "(it is generated from the table, never edited by hand)")
  endif()
  message(STATUS "${OUT} is what ${TABLE} gives")
  return()
endif()

message(FATAL_ERROR "GENERATE is c, python or check-python")
