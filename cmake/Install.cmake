# SPDX-License-Identifier: GPL-2.0-or-later
# Where `cmake --install` puts things, and the Debian package (cpack -G DEB).
#
#   IKEDIAG_INSTALL_SCOPE=system (default)  the plugin in Wireshark's global plugin folder
#                                           (tshark finds it, as root too)
#   IKEDIAG_INSTALL_SCOPE=user              the plugin under <prefix>/lib/wireshark/plugins,
#                                           for `cmake --install build --prefix ~/.local`:
#                                           Wireshark's personal plugin folder
set(IKEDIAG_INSTALL_SCOPE "system" CACHE STRING "system: Wireshark's global plugin folder; user: <prefix>/lib/wireshark/plugins")
set_property(CACHE IKEDIAG_INSTALL_SCOPE PROPERTY STRINGS system user)
include(GNUInstallDirs)

if(IKEDIAG_INSTALL_SCOPE STREQUAL "user")
  set(IKEDIAG_PLUGIN_DESTINATION "lib/wireshark/plugins/${IKEDIAG_WS_ABI}/epan")
elseif(IKEDIAG_INSTALL_SCOPE STREQUAL "system")
  # Relative to the prefix when the global folder lies under it (a package, prefix /usr),
  # so DESTDIR and CPack work; absolute otherwise (the default /usr/local prefix).
  file(RELATIVE_PATH relative_plugin_dir "${CMAKE_INSTALL_PREFIX}" "${Wireshark_PLUGIN_INSTALL_DIR}")
  if(relative_plugin_dir MATCHES "^\\.\\.")
    set(IKEDIAG_PLUGIN_DESTINATION "${Wireshark_PLUGIN_INSTALL_DIR}/epan")
  else()
    set(IKEDIAG_PLUGIN_DESTINATION "${relative_plugin_dir}/epan")
  endif()
else()
  message(FATAL_ERROR "IKEDIAG_INSTALL_SCOPE must be system or user, not '${IKEDIAG_INSTALL_SCOPE}'")
endif()
message(STATUS "ikediag: the plugin installs into ${IKEDIAG_PLUGIN_DESTINATION}")

install(TARGETS ikediag LIBRARY DESTINATION "${IKEDIAG_PLUGIN_DESTINATION}" NAMELINK_SKIP)
install(PROGRAMS tools/ikediag-scan DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/ikediag-scan.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES docs/ikediag-scan.schema.json DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY profiles/ikediag DESTINATION ${CMAKE_INSTALL_DATADIR}/ikediag/profiles)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# the pages README.md links to that used to be part of it, so its links work in the package
install(FILES docs/ikediag-scan.md docs/views.md docs/design.md docs/robustness.md docs/performance.md
              docs/testing.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- the Debian package ---------------------------------------------------------------
# Depends on the exact libwireshark ABI package this build linked against (libwireshark16
# on Debian 12, 18 on 13, 19 on forky): apt then refuses to install it beside another
# Wireshark, where the plugin would silently not load.  dpkg-shlibdeps reads it, with
# libwsutil's and GLib's, from the dpkg database of the machine or chroot that builds the
# package; without dpkg-shlibdeps the owner of libwireshark.so is asked directly.
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  get_target_property(libwireshark epan IMPORTED_LOCATION_RELEASE)
  if(NOT libwireshark)
    get_target_property(libwireshark epan LOCATION)
  endif()
  get_filename_component(libwireshark "${libwireshark}" REALPATH)
  execute_process(COMMAND dpkg-query -S "${libwireshark}" OUTPUT_VARIABLE abi_owner
                  RESULT_VARIABLE abi_rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(abi_rc EQUAL 0 AND abi_owner MATCHES "^([a-z0-9.+-]+)(:[a-z0-9]+)?: ")
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CMAKE_MATCH_1}")
  else()
    message(STATUS "ikediag: no dpkg-shlibdeps and ${libwireshark} belongs to no package: a .deb made here depends on nothing")
  endif()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ikediag)
set(CPACK_PACKAGE_VENDOR "ikediag developers")
set(CPACK_PACKAGE_CONTACT "ikediag developers <ikediag@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Wireshark plugin that diagnoses failing IPsec (IKEv1) negotiations")
set(CPACK_PACKAGE_DESCRIPTION "ikediag numbers every IKEv1 message of a capture (MM#1..MM#6, AM#1..AM#3,
QM#1..QM#3), groups them into IKE SAs and exchanges, spots resends, and says where
and why a negotiation stalled, with the frames that show it.  Built for Wireshark
${IKEDIAG_WS_ABI}; includes the batch scanner ikediag-scan and a Wireshark profile.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
# One package per Wireshark minor version: the revision says which it is for.
set(CPACK_DEBIAN_PACKAGE_RELEASE "1+ws${IKEDIAG_WS_ABI}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark, python3")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
