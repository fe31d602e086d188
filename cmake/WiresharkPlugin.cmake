# The epan plugin: built against Debian's wireshark-dev (find_package CONFIG), installed
# into Wireshark's global plugin folder DIR/<major>.<minor>/epan, where tshark finds it
# even when run as root.
find_package(Wireshark 4.0 CONFIG REQUIRED)
if(NOT Wireshark_PLUGINS_ENABLED)
  message(FATAL_ERROR "This Wireshark was built without plugin support")
endif()
set(IKEDIAG_WS_ABI "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}")

add_library(ikediag MODULE
  plugin/ikediag.c
  plugin/extract.c
  plugin/render.c
  plugin/views.c
  plugin/stats.c
  plugin/flow.c
)
set_target_properties(ikediag PROPERTIES PREFIX "" DEFINE_SYMBOL "" C_VISIBILITY_PRESET hidden)
target_compile_definitions(ikediag PRIVATE VERSION="${PROJECT_VERSION}" HAVE_SSIZE_T)
target_link_libraries(ikediag PRIVATE epan ikediag_core)

# A plugin folder in the build tree, laid out as Wireshark wants it, for the tests.
set(IKEDIAG_TEST_PLUGIN_DIR "${CMAKE_BINARY_DIR}/plugins")
add_custom_command(TARGET ikediag POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E make_directory "${IKEDIAG_TEST_PLUGIN_DIR}/${IKEDIAG_WS_ABI}/epan"
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:ikediag> "${IKEDIAG_TEST_PLUGIN_DIR}/${IKEDIAG_WS_ABI}/epan/")

install(TARGETS ikediag LIBRARY DESTINATION "${Wireshark_PLUGIN_INSTALL_DIR}/epan" NAMELINK_SKIP)

add_test(NAME integration
  COMMAND python3 "${CMAKE_SOURCE_DIR}/tests/integration/check_manifest.py"
          --plugin-dir "${IKEDIAG_TEST_PLUGIN_DIR}" --pcaps "${CMAKE_SOURCE_DIR}/test-pcaps")

# ikediag-scan: the batch scanner over the plugin's -z ikediag,json.
install(PROGRAMS tools/ikediag-scan DESTINATION bin)
add_test(NAME views COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/views/check_views.py --plugin-dir ${IKEDIAG_TEST_PLUGIN_DIR} --pcaps ${CMAKE_SOURCE_DIR}/test-pcaps)
add_test(NAME hostile COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/hostile/check_hostile.py --plugin-dir ${IKEDIAG_TEST_PLUGIN_DIR})
