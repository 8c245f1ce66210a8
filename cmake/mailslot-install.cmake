# SPDX-License-Identifier: MIT
# What the install of every part shares (included by the top level after
# GNUInstallDirs).
#
# Files that name installed paths (mailslot.pc, mailslot-sharp.pc, the
# systemd unit) need the prefix the install is made to, and that is known
# only at install time (cmake --install --prefix P). Their templates write
# @MAILSLOT_INSTALL_PREFIX@ for it, or one of the variables below, which are
# made of it:
#   MAILSLOT_PC_<DIR>            ${prefix}/<dir> (pkg-config style), or the
#                                absolute CMAKE_INSTALL_<DIR>
#   MAILSLOT_INSTALL_FULL_<DIR>  the absolute path
# for DIR in BINDIR, LIBDIR, INCLUDEDIR, and for what a part adds with
# mailslot_install_dir(NAME PATH) (PATH relative to the prefix, or absolute).

set(MAILSLOT_INSTALL_PREFIX "@MAILSLOT_INSTALL_PREFIX@") # left for install time
macro(mailslot_install_dir name path)
  if(IS_ABSOLUTE "${path}")
    set(MAILSLOT_PC_${name} "${path}")
    set(MAILSLOT_INSTALL_FULL_${name} "${path}")
  else()
    set(MAILSLOT_PC_${name} "\${prefix}/${path}")
    set(MAILSLOT_INSTALL_FULL_${name} "${MAILSLOT_INSTALL_PREFIX}/${path}")
  endif()
endmacro()
foreach(_ms_dir IN ITEMS BINDIR LIBDIR INCLUDEDIR)
  mailslot_install_dir(${_ms_dir} "${CMAKE_INSTALL_${_ms_dir}}")
endforeach()

# mailslot_install_configured(TEMPLATE DESTINATION): installs
# TEMPLATE (NAME.in) as DESTINATION/NAME, configured now (@VAR@, @ONLY) and
# its @MAILSLOT_INSTALL_PREFIX@ replaced at install time. DESTINATION is
# relative to the prefix, or absolute. Each prefix gets its own copy in the
# build tree, so that installs to two prefixes at once (the install tests
# run in parallel) do not overwrite each other's; it is removed once installed.
function(mailslot_install_configured template destination)
  get_filename_component(_name "${template}" NAME)
  string(REGEX REPLACE "\\.in$" "" _name "${_name}")
  set(_stage "${PROJECT_BINARY_DIR}/install-configured")
  configure_file("${template}" "${_stage}/${_name}.in" @ONLY)
  if(NOT IS_ABSOLUTE "${destination}")
    set(destination "\${CMAKE_INSTALL_PREFIX}/${destination}")
  endif()
  install(CODE "
    file(READ \"${_stage}/${_name}.in\" _ms_text)
    string(REPLACE \"@MAILSLOT_INSTALL_PREFIX@\" \"\${CMAKE_INSTALL_PREFIX}\" _ms_text \"\${_ms_text}\")
    string(MD5 _ms_key \"\${CMAKE_INSTALL_PREFIX}\")
    file(WRITE \"${_stage}/\${_ms_key}/${_name}\" \"\${_ms_text}\")
    file(INSTALL DESTINATION \"${destination}\" TYPE FILE FILES \"${_stage}/\${_ms_key}/${_name}\")
    file(REMOVE_RECURSE \"${_stage}/\${_ms_key}\")")
endfunction()
