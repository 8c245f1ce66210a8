# SPDX-License-Identifier: MIT
# check_table_errors.cmake -- cmake/constants.cmake refuses a table it cannot
# read, naming the row and what is wrong, and writes nothing:
#
#   cmake -DGENERATOR=cmake/constants.cmake -DWORK=<dir> -P check_table_errors.cmake
cmake_minimum_required(VERSION 3.18)

set(_good "MAILSLOT_OPT_A 1 int a:settings,query\nMAILSLOT_STAT_B 101 int dropped # b\n")
# Each case: the rows of a table, then the text its error must hold.
set(_cases
  "MAILSLOT_STAT_B 101 int # b\n|MAILSLOT_STAT_B needs 'dropped' or 'accepted'"
  "MAILSLOT_STAT_B 101 int lost # b\n|MAILSLOT_STAT_B needs 'dropped' or 'accepted'"
  "MAILSLOT_STAT_B 101 int dropped\n|MAILSLOT_STAT_B needs its text after #"
  "MAILSLOT_STAT_B 101 int dropped # a <b>\n|MAILSLOT_STAT_B needs its text after #"
  "MAILSLOT_STAT_B 101 int dropped # b\nMAILSLOT_STAT_C 103 int dropped # c\n|MAILSLOT_STAT_C is 103"
  "MAILSLOT_OPT_A 1 int a:settings,sometimes\nMAILSLOT_STAT_B 101 int dropped # b\n|'sometimes' is not settings, query or flag"
  "MAILSLOT_OPT_A 1 int a\nMAILSLOT_STAT_B 101 int dropped # b\n|MAILSLOT_OPT_A 'a': only an option or a state is reported"
  "MAILSLOT_E_A -1 int a:query\nMAILSLOT_STAT_B 101 int dropped # b\n|MAILSLOT_E_A 'a:query': only an option or a state"
  "MAILSLOT_OPT_A 1 long\nMAILSLOT_STAT_B 101 int dropped # b\n|cannot read the line 'MAILSLOT_OPT_A 1 long'"
  "MAILSLOT_OPT_A 1 int\nMAILSLOT_OPT_A 1 int\nMAILSLOT_STAT_B 101 int dropped # b\n|MAILSLOT_OPT_A is there twice")

file(MAKE_DIRECTORY "${WORK}")
set(_failed 0)
set(_n 0)
foreach(_case IN LISTS _cases _good)
  string(REPLACE "|" ";" _parts "${_case}")
  list(GET _parts 0 _rows)
  set(_want "")
  list(LENGTH _parts _len)
  if(_len GREATER 1)
    list(GET _parts 1 _want)
  endif()
  string(REPLACE "\\n" "\n" _rows "${_rows}")
  math(EXPR _n "${_n} + 1")
  file(WRITE "${WORK}/table${_n}.txt" "${_rows}")
  foreach(_kind c python lua csharp)
    file(REMOVE "${WORK}/out${_n}.${_kind}")
    execute_process(
      COMMAND ${CMAKE_COMMAND} -DGENERATE=${_kind} -DTABLE=${WORK}/table${_n}.txt
              -DOUT=${WORK}/out${_n}.${_kind} -P ${GENERATOR}
      RESULT_VARIABLE _rc ERROR_VARIABLE _err OUTPUT_QUIET)
    string(REGEX REPLACE "[ \t\r\n]+" " " _err "${_err}")
    if(_want STREQUAL "")
      if(NOT _rc EQUAL 0 OR NOT EXISTS "${WORK}/out${_n}.${_kind}")
        message(SEND_ERROR "the good table fails (${_kind}): ${_err}")
        set(_failed 1)
      endif()
    elseif(_rc EQUAL 0 OR EXISTS "${WORK}/out${_n}.${_kind}")
      message(SEND_ERROR "table${_n} (${_kind}) is accepted: want an error with '${_want}'")
      set(_failed 1)
    else()
      string(FIND "${_err}" "${_want}" _at)
      if(_at LESS 0)
        message(SEND_ERROR "table${_n} (${_kind}): the error does not say '${_want}': ${_err}")
        set(_failed 1)
      endif()
    endif()
  endforeach()
endforeach()
if(_failed)
  message(FATAL_ERROR "check_table_errors: see above")
endif()
message(STATUS "check_table_errors: ${_n} tables, each refused with its reason or, the last, written")
