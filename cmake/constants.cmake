# SPDX-License-Identifier: MIT
# constants.cmake -- the tables of abi/constants.txt that the library, the CLI
# and the bindings need, written from the table so that no constant, counter
# or reported option is listed twice.
#
#   include(cmake/constants.cmake)   read_table(FILE PREFIX) only
#
#   cmake -DGENERATE=KIND -DTABLE=abi/constants.txt -DOUT=FILE [-DCHECK=ON] -P cmake/constants.cmake
#     Writes FILE (only when its text changes); with CHECK=ON fails instead
#     when FILE is not what it would write. KIND:
#     c       ms_constants.h, the C tables (src/net/netrecv.h, src/net/forward.c
#             and src/cli/stats.c include it): MS_STAT_FIRST, MS_STAT_COUNT,
#             MS_STAT_NAMES (the counters' names as `mailslot stats` prints
#             them), MS_STAT_LIST(X) and MS_QUERY_VALUES(X). Written when CMake
#             runs (CMakeLists.txt).
#     python  the Python package's _constants.py: kept in the source tree (the
#             package runs from bindings/python/src and installs with pip
#             without CMake).
#     lua     bindings/swig/lua_tables.lua, the tables of the Lua module's own
#             code (lua.i inserts it): kept in the source tree (the rock runs
#             SWIG without CMake).
#     csharp  Tables.cs of the C# assembly: StatKey and ReaderStats' counters.
#             Written at build time (bindings/swig/CMakeLists.txt).
#
#   cmake -DGENERATE=in-tree -DTABLE=abi/constants.txt -DROOT=<source dir> [-DCHECK=ON] -P cmake/constants.cmake
#     Every file of the source tree above (python, lua), written or checked:
#     `cmake --build <dir> --target constants` writes them; the test
#     abi_generated checks them.
#
# A counter's name is its constant's name after MAILSLOT_STAT_ in lower case
# (net_received, auth_none, ...): `mailslot stats`, the drop log, Lua's
# r:stats() and Python's NetworkStats (without the net_ prefix) say it so; C#
# says it in Pascal case (NetReceived).
cmake_minimum_required(VERSION 3.18)

# read_table(FILE PREFIX): PREFIX_names (in order), PREFIX_row_<NAME> = "VALUE TYPE",
# PREFIX_use_<NAME> = the REPORTED column (empty without one) and
# PREFIX_doc_<NAME> = the text after # on the row (empty without one).
function(read_table file prefix)
  file(STRINGS "${file}" _lines)
  set(_names "")
  foreach(_l IN LISTS _lines)
    if(_l MATCHES "^[ \t]*(#|$)")
      continue()
    endif()
    if(NOT _l MATCHES "^(MAILSLOT_[A-Z0-9_]+)[ \t]+(-?[0-9]+)[ \t]+(int|unsigned)([ \t]+([a-z0-9_:,]+))?[ \t]*(#[ \t]*(.*))?$")
      message(FATAL_ERROR "${file}: cannot read the line '${_l}' (NAME VALUE int|unsigned [REPORTED] [# text])")
    endif()
    if(DEFINED ${prefix}_row_${CMAKE_MATCH_1})
      message(FATAL_ERROR "${file}: ${CMAKE_MATCH_1} is there twice")
    endif()
    list(APPEND _names ${CMAKE_MATCH_1})
    set(${prefix}_row_${CMAKE_MATCH_1} "${CMAKE_MATCH_2} ${CMAKE_MATCH_3}")
    set(${prefix}_row_${CMAKE_MATCH_1} "${CMAKE_MATCH_2} ${CMAKE_MATCH_3}" PARENT_SCOPE)
    set(${prefix}_use_${CMAKE_MATCH_1} "${CMAKE_MATCH_5}" PARENT_SCOPE)
    string(STRIP "${CMAKE_MATCH_7}" _doc)
    set(${prefix}_doc_${CMAKE_MATCH_1} "${_doc}" PARENT_SCOPE)
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

# _pascal(TEXT OUT_VAR): net_received -> NetReceived.
function(_pascal text out_var)
  string(REPLACE "_" ";" _words "${text}")
  set(_out "")
  foreach(_w IN LISTS _words)
    string(SUBSTRING "${_w}" 0 1 _first)
    string(SUBSTRING "${_w}" 1 -1 _rest)
    string(TOUPPER "${_first}" _first)
    string(APPEND _out "${_first}${_rest}")
  endforeach()
  set(${out_var} "${_out}" PARENT_SCOPE)
endfunction()

# The counters, in key order, which must be contiguous (arrays are indexed by
# key - MS_STAT_FIRST), each dropped or accepted; _stat_name_<NAME> is its
# name (net_received).
set(_stats "")
set(_dropped "")
set(_first "")
set(_next "")
# The options and states a reader reports (the REPORTED column):
# _settings and _query in table order, _field_<NAME> and _flag_<NAME>.
set(_settings "")
set(_query "")
foreach(_n IN LISTS _t_names)
  set(_use "${_t_use_${_n}}")
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
    string(REGEX REPLACE "^MAILSLOT_STAT_" "" _short "${_n}")
    string(TOLOWER "${_short}" _stat_name_${_n})
    if(_use STREQUAL "dropped")
      list(APPEND _dropped ${_n})
    elseif(NOT _use STREQUAL "accepted")
      message(FATAL_ERROR "${TABLE}: the counter ${_n} needs 'dropped' or 'accepted' after its type")
    endif()
    if(_t_doc_${_n} STREQUAL "" OR _t_doc_${_n} MATCHES "[<>&\"\\]")
      message(FATAL_ERROR "${TABLE}: the counter ${_n} needs its text after # (without < > & \" \\)")
    endif()
  elseif(NOT _use STREQUAL "")
    if(NOT _n MATCHES "^MAILSLOT_(OPT|INFO)_" OR NOT _use MATCHES "^([a-z][a-z0-9_]*):([a-z,]+)$")
      message(FATAL_ERROR "${TABLE}: ${_n} '${_use}': only an option or a state is reported, as FIELD:WHERE")
    endif()
    set(_field_${_n} "${CMAKE_MATCH_1}")
    string(REPLACE "," ";" _where "${CMAKE_MATCH_2}")
    set(_flag_${_n} False)
    foreach(_w IN LISTS _where)
      if(_w STREQUAL "settings")
        list(APPEND _settings ${_n})
      elseif(_w STREQUAL "query")
        list(APPEND _query ${_n})
      elseif(_w STREQUAL "flag")
        set(_flag_${_n} True)
      else()
        message(FATAL_ERROR "${TABLE}: ${_n}: '${_w}' is not settings, query or flag")
      endif()
    endforeach()
  endif()
endforeach()
list(LENGTH _stats _stat_count)
list(LENGTH _query _query_count)

# _write_or_check(FILE TEXT): writes FILE only when TEXT differs, so that
# what depends on it is not rebuilt for nothing; with CHECK, fails when it differs.
function(_write_or_check file text)
  set(_old "")
  if(EXISTS "${file}")
    file(READ "${file}" _old)
  endif()
  if(_old STREQUAL text)
    if(CHECK)
      message(STATUS "${file} is what ${TABLE} gives")
    endif()
    return()
  endif()
  if(CHECK)
    message(FATAL_ERROR "${file} is not what ${TABLE} gives: write it again with\n"
                        "  cmake --build <build dir> --target constants\n"
                        "(it is generated from the table, never edited by hand)")
  endif()
  file(WRITE "${file}" "${text}")
endfunction()

if(GENERATE STREQUAL "in-tree")
  set(_bad "")
  foreach(_kind_file IN ITEMS "python=bindings/python/src/mailslot/_constants.py"
                              "lua=bindings/swig/lua_tables.lua")
    string(REPLACE "=" ";" _kind_file "${_kind_file}")
    list(GET _kind_file 0 _kind)
    list(GET _kind_file 1 _file)
    execute_process(
      COMMAND ${CMAKE_COMMAND} -DGENERATE=${_kind} -DCHECK=${CHECK} -DTABLE=${TABLE}
              -DOUT=${ROOT}/${_file} -P ${CMAKE_CURRENT_LIST_FILE}
      RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      list(APPEND _bad "${_file}")
    endif()
  endforeach()
  if(_bad)
    string(REPLACE ";" ", " _bad "${_bad}")
    message(FATAL_ERROR "not what ${TABLE} gives: ${_bad} (see above)")
  endif()
  return()
endif()

if(GENERATE STREQUAL "c")
  set(_out "/* SPDX-License-Identifier: MIT */\n")
  string(APPEND _out "/* ms_constants.h -- generated from abi/constants.txt by cmake/constants.cmake:\n")
  string(APPEND _out " * do not edit. The library's and the CLI's tables of the counters\n")
  string(APPEND _out " * (MAILSLOT_STAT_*) and of the values mailslot_query answers. */\n")
  string(APPEND _out "#ifndef MS_CONSTANTS_H\n#define MS_CONSTANTS_H\n\n")
  list(GET _stats 0 _first_name)
  string(APPEND _out "/* The first counter's key; the others follow it without gaps. */\n")
  string(APPEND _out "#define MS_STAT_FIRST ${_first_name}\n\n")
  string(APPEND _out "/* How many counters there are. */\n")
  string(APPEND _out "#define MS_STAT_COUNT ${_stat_count}\n\n")
  string(APPEND _out "/* Their names, in key order, as `mailslot stats` prints them. */\n")
  string(APPEND _out "#define MS_STAT_NAMES")
  foreach(_n IN LISTS _stats)
    string(APPEND _out " \\\n    \"${_stat_name_${_n}}\",")
  endforeach()
  string(APPEND _out "\n\n/* X(NAME) for each counter MAILSLOT_STAT_NAME, in key order. */\n")
  string(APPEND _out "#define MS_STAT_LIST(X)")
  foreach(_n IN LISTS _stats)
    string(REGEX REPLACE "^MAILSLOT_STAT_" "" _short "${_n}")
    string(APPEND _out " \\\n    X(${_short})")
  endforeach()
  string(APPEND _out "\n\n/* The values mailslot_query answers besides the counters, in table order:\n")
  string(APPEND _out " * X(\"name\", KEY), the name as `mailslot stats` prints it. */\n")
  string(APPEND _out "#define MS_QUERY_VALUES(X)")
  foreach(_n IN LISTS _query)
    string(APPEND _out " \\\n    X(\"${_field_${_n}}\", ${_n})")
  endforeach()
  string(APPEND _out "\n\n/* How many there are. */\n")
  string(APPEND _out "#define MS_QUERY_VALUE_COUNT ${_query_count}\n")
  string(APPEND _out "\n#endif\n")
  _write_or_check("${OUT}" "${_out}")
  return()
endif()

# The lines of a generated file of Python or Lua: "# ..." or "-- ...".
macro(_script_head comment)
  set(_out "${comment} SPDX-License-Identifier: MIT\n")
  string(APPEND _out "${comment} Generated from abi/constants.txt by cmake/constants.cmake: do not edit.\n")
  string(APPEND _out "${comment} `cmake --build <dir> --target constants` writes it again; the test\n")
  string(APPEND _out "${comment} abi_generated fails while it differs from the table.\n")
endmacro()

if(GENERATE STREQUAL "python")
  _script_head("#")
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
    string(REGEX REPLACE "^MAILSLOT_" "" _short "${_n}")
    string(APPEND _out "    (\"${_stat_name_${_n}}\", ${_short}),\n")
  endforeach()
  string(APPEND _out ")\n")
  string(APPEND _out "\n#: The counters of dropped messages, by name.\n")
  string(APPEND _out "DROPPED = (\n")
  foreach(_n IN LISTS _dropped)
    string(APPEND _out "    \"${_stat_name_${_n}}\",\n")
  endforeach()
  string(APPEND _out ")\n")
  string(APPEND _out "\n#: A reader's settings (Mailslot.settings()) in key order: (field, key, flag).\n")
  string(APPEND _out "SETTINGS = (\n")
  foreach(_n IN LISTS _settings)
    string(REGEX REPLACE "^MAILSLOT_" "" _short "${_n}")
    string(APPEND _out "    (\"${_field_${_n}}\", ${_short}, ${_flag_${_n}}),\n")
  endforeach()
  string(APPEND _out ")\n")
  string(APPEND _out "\n#: The values mailslot_query answers besides the counters, in key order:\n")
  string(APPEND _out "#: (name, key), the name as `mailslot stats` prints it.\n")
  string(APPEND _out "QUERY_VALUES = (\n")
  foreach(_n IN LISTS _query)
    string(REGEX REPLACE "^MAILSLOT_" "" _short "${_n}")
    string(APPEND _out "    (\"${_field_${_n}}\", ${_short}),\n")
  endforeach()
  string(APPEND _out ")\n")
  _write_or_check("${OUT}" "${_out}")
  return()
endif()

if(GENERATE STREQUAL "lua")
  _script_head("--")
  string(APPEND _out "-- Inserted by lua.i into the module's own code, where M is the module.\n\n")
  string(APPEND _out "-- r:settings()'s fields in key order: { field, key, flag }.\n")
  string(APPEND _out "local setting_fields = {\n")
  foreach(_n IN LISTS _settings)
    string(REGEX REPLACE "^MAILSLOT_" "" _short "${_n}")
    string(TOLOWER "${_flag_${_n}}" _flag)
    string(APPEND _out "  { \"${_field_${_n}}\", M.${_short}, ${_flag} },\n")
  endforeach()
  string(APPEND _out "}\n")
  _write_or_check("${OUT}" "${_out}")
  return()
endif()

if(GENERATE STREQUAL "csharp")
  set(_out "// SPDX-License-Identifier: MIT\n")
  string(APPEND _out "// Generated from abi/constants.txt by cmake/constants.cmake: do not edit.\n")
  string(APPEND _out "// The counters of network messages: StatKey and ReaderStats' properties.\n\n")
  string(APPEND _out "namespace Mailslot\n{\n")
  string(APPEND _out "    /// <summary>The library's counters of network messages (MAILSLOT_STAT_*); the numbers\n")
  string(APPEND _out "    /// are ABI. A network sender cannot be told of a drop, so the reader counts it.</summary>\n")
  string(APPEND _out "    public enum StatKey\n    {\n")
  set(_props "")
  set(_sum "")
  foreach(_n IN LISTS _stats)
    _pascal("${_stat_name_${_n}}" _member)
    _value_of(${_n} _v)
    set(_doc "${_t_use_${_n}}: ${_t_doc_${_n}}.")
    string(SUBSTRING "${_doc}" 0 1 _c)
    string(SUBSTRING "${_doc}" 1 -1 _rest)
    string(TOUPPER "${_c}" _c)
    set(_doc "${_c}${_rest}")
    string(APPEND _out "        /// <summary>${_doc}</summary>\n        ${_member} = ${_v},\n")
    string(APPEND _props "\n        /// <summary>${_doc}</summary>\n")
    string(APPEND _props "        public long ${_member} { get; private set; }\n")
    if(_n IN_LIST _dropped)
      if(_sum STREQUAL "")
        string(APPEND _sum "${_member}")
      else()
        string(APPEND _sum " + ${_member}")
      endif()
    endif()
  endforeach()
  string(APPEND _out "    }\n\n")
  string(APPEND _out "    /// <summary>What <see cref=\"Reader.Stats\"/> reports: the counters of network messages.</summary>\n")
  string(APPEND _out "    public partial struct ReaderStats\n    {${_props}\n")
  string(APPEND _out "        /// <summary>Every dropped message, whatever the reason (authentication included).</summary>\n")
  string(APPEND _out "        public long NetDropped\n        {\n")
  string(APPEND _out "            get { return ${_sum}; }\n        }\n    }\n}\n")
  _write_or_check("${OUT}" "${_out}")
  return()
endif()

message(FATAL_ERROR "GENERATE is c, python, lua or csharp")
