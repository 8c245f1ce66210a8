# SPDX-License-Identifier: MIT
# check_constants.cmake -- the table of constants (abi/constants.txt).
#
#   cmake -DMODE=listed -DTABLE=abi/constants.txt -DHEADER=abi/mailslot.h
#         [-DFROZEN="tests/abi/1.0/constants.txt;..."] -P check_constants.cmake
#     The table names exactly the header's constants (every #define
#     MAILSLOT_* but the include guard, the export macros and the version
#     macros); error codes are negative, option keys 1..99, counters
#     101..199; and each row of every frozen table (the table of a release)
#     is still in it, unchanged.
#
#   cmake -DMODE=generate -DTABLE=abi/constants.txt -DOUT=constants.inc -P check_constants.cmake
#     Writes the rows as CHECK(NAME, VALUE, "TYPE") lines (each inside
#     #ifdef NAME, MISSING(NAME) otherwise) for tests/abi/constants.c, which
#     checks them against the compiler's view of the header.
cmake_minimum_required(VERSION 3.18)

# read_table(FILE PREFIX), shared with the generator of the tables.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/constants.cmake)

read_table("${TABLE}" _t)

if(MODE STREQUAL "generate")
  set(_out "/* Generated from ${TABLE} by tests/abi/check_constants.cmake. */\n")
  foreach(_n IN LISTS _t_names)
    string(REPLACE " " ";" _row "${_t_row_${_n}}")
    list(GET _row 0 _value)
    list(GET _row 1 _type)
    string(APPEND _out "#ifdef ${_n}\nCHECK(${_n}, ${_value}LL, \"${_type}\")\n")
    if(_n MATCHES "^MAILSLOT_E_")
      string(APPEND _out "ERROR_CODE(${_n})\n")
    endif()
    string(APPEND _out "#else\nMISSING(\"${_n}\")\n#endif\n")
  endforeach()
  # Rewritten only when it changes, so that the program is not rebuilt for nothing.
  file(WRITE "${OUT}.tmp" "${_out}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
  file(REMOVE "${OUT}.tmp")
  return()
endif()

if(NOT MODE STREQUAL "listed")
  message(FATAL_ERROR "MODE is listed or generate")
endif()

set(_errors "")
file(READ "${HEADER}" _text)
string(REGEX MATCHALL "#[ \t]*define[ \t]+MAILSLOT_[A-Z0-9_]+" _defs "${_text}")
set(_header "")
foreach(_d IN LISTS _defs)
  string(REGEX MATCH "MAILSLOT_[A-Z0-9_]+$" _n "${_d}")
  if(_n MATCHES "^MAILSLOT_(H|API|CALL|VERSION_(MAJOR|MINOR|PATCH|NUMBER))$")
    continue()
  endif()
  list(APPEND _header ${_n})
endforeach()
list(REMOVE_DUPLICATES _header)
foreach(_n IN LISTS _header)
  if(NOT DEFINED _t_row_${_n})
    list(APPEND _errors "${HEADER} defines ${_n}, which ${TABLE} lacks (add it with its value)")
  endif()
endforeach()
foreach(_n IN LISTS _t_names)
  if(NOT _n IN_LIST _header)
    list(APPEND _errors "${TABLE} has ${_n}, which ${HEADER} does not define (never remove one)")
  endif()
  string(REPLACE " " ";" _row "${_t_row_${_n}}")
  list(GET _row 0 _value)
  if(_n MATCHES "^MAILSLOT_E_" AND NOT _value LESS 0)
    list(APPEND _errors "${_n} is ${_value}: error codes are negative")
  elseif(_n MATCHES "^MAILSLOT_OPT_" AND (_value LESS 1 OR _value GREATER 99))
    list(APPEND _errors "${_n} is ${_value}: option keys are 1..99")
  elseif(_n MATCHES "^MAILSLOT_STAT_" AND (_value LESS 101 OR _value GREATER 199))
    list(APPEND _errors "${_n} is ${_value}: counters are 101..199")
  elseif(_n MATCHES "^MAILSLOT_INFO_" AND (_value LESS 201 OR _value GREATER 299))
    list(APPEND _errors "${_n} is ${_value}: a reader's states are 201..299")
  endif()
endforeach()
# One number per key, per error code and per log level.
foreach(_kind E_ OPT_ STAT_ INFO_ LOG_)
  set(_seen "")
  foreach(_n IN LISTS _t_names)
    if(_n MATCHES "^MAILSLOT_${_kind}")
      string(REGEX MATCH "^-?[0-9]+" _value "${_t_row_${_n}}")
      if(DEFINED _owner_${_kind}${_value})
        list(APPEND _errors "${_n} and ${_owner_${_kind}${_value}} are both ${_value}")
      endif()
      set(_owner_${_kind}${_value} ${_n})
    endif()
  endforeach()
endforeach()
foreach(_frozen IN LISTS FROZEN)
  read_table("${_frozen}" _f)
  foreach(_n IN LISTS _f_names)
    if(NOT DEFINED _t_row_${_n})
      list(APPEND _errors "${_n} (${_frozen}: ${_f_row_${_n}}) is gone from ${TABLE}")
    elseif(NOT _t_row_${_n} STREQUAL _f_row_${_n})
      list(APPEND _errors "${_n} is '${_t_row_${_n}}' in ${TABLE} but was '${_f_row_${_n}}' in ${_frozen}: released numbers never change")
    endif()
  endforeach()
endforeach()

if(_errors)
  string(REPLACE ";" "\n  " _errors "${_errors}")
  message(FATAL_ERROR "constants:\n  ${_errors}")
endif()
list(LENGTH _t_names _n)
list(LENGTH FROZEN _nf)
message(STATUS "constants: the ${_n} constants of the header are in the table, with the numbers of "
               "the ${_nf} released table(s)")
