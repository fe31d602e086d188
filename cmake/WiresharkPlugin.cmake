# SPDX-License-Identifier: GPL-2.0-or-later
# The epan plugin: built against Wireshark's development files (find_package CONFIG;
# Debian: wireshark-dev) of any 4.0-4.6 release.  A plugin binary loads only in the
# minor version it was built for, so it lands in <plugins>/<major>.<minor>/epan.
find_package(Wireshark 4.0 CONFIG REQUIRED)
if(NOT Wireshark_PLUGINS_ENABLED)
  message(FATAL_ERROR "This Wireshark was built without plugin support")
endif()
if(Wireshark_VERSION VERSION_GREATER_EQUAL 4.7)
  message(WARNING "ikediag is tested against Wireshark 4.0, 4.4 and 4.6; this is ${Wireshark_VERSION}")
endif()
set(IKEDIAG_WS_ABI "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}")
message(STATUS "ikediag: building against Wireshark ${Wireshark_VERSION} (plugins/${IKEDIAG_WS_ABI})")

add_library(ikediag MODULE
  plugin/ikediag.c
  plugin/compat.c
  plugin/extract.c
  plugin/render.c
  plugin/render_esp.c
  plugin/views.c
  plugin/stats.c
  plugin/flow.c
  plugin/filters.c
  plugin/report.c
)
set_target_properties(ikediag PROPERTIES PREFIX "" DEFINE_SYMBOL "" C_VISIBILITY_PRESET hidden)
target_compile_definitions(ikediag PRIVATE VERSION="${PROJECT_VERSION}" HAVE_SSIZE_T)
target_link_libraries(ikediag PRIVATE epan ikediag_core)

# A plugin folder in the build tree, laid out as Wireshark wants it, for the tests.
set(IKEDIAG_TEST_PLUGIN_DIR "${CMAKE_BINARY_DIR}/plugins")
add_custom_command(TARGET ikediag POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E make_directory "${IKEDIAG_TEST_PLUGIN_DIR}/${IKEDIAG_WS_ABI}/epan"
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:ikediag> "${IKEDIAG_TEST_PLUGIN_DIR}/${IKEDIAG_WS_ABI}/epan/")

add_test(NAME integration
  COMMAND python3 "${CMAKE_SOURCE_DIR}/tests/integration/check_manifest.py"
          --plugin-dir "${IKEDIAG_TEST_PLUGIN_DIR}" --pcaps "${CMAKE_SOURCE_DIR}/test-pcaps")
add_test(NAME two-points
  COMMAND python3 "${CMAKE_SOURCE_DIR}/tests/integration/check_two_points.py"
          --plugin-dir "${IKEDIAG_TEST_PLUGIN_DIR}" --pcaps "${CMAKE_SOURCE_DIR}/test-pcaps")
add_test(NAME tunnels
  COMMAND python3 "${CMAKE_SOURCE_DIR}/tests/integration/check_tunnels.py"
          --plugin-dir "${IKEDIAG_TEST_PLUGIN_DIR}" --pcaps "${CMAKE_SOURCE_DIR}/test-pcaps")
add_test(NAME views COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/views/check_views.py --plugin-dir ${IKEDIAG_TEST_PLUGIN_DIR} --pcaps ${CMAKE_SOURCE_DIR}/test-pcaps)
add_test(NAME report COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/views/check_report.py --plugin-dir ${IKEDIAG_TEST_PLUGIN_DIR} --pcaps ${CMAKE_SOURCE_DIR}/test-pcaps)
add_test(NAME views-scan COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/views/check_scan.py --plugin-dir ${IKEDIAG_TEST_PLUGIN_DIR} --pcaps ${CMAKE_SOURCE_DIR}/test-pcaps)
add_test(NAME hostile COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/hostile/check_hostile.py --plugin-dir ${IKEDIAG_TEST_PLUGIN_DIR})

include(cmake/Install.cmake)
