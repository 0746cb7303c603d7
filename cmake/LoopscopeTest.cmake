# One function registers a test (fmt's habit): tests/<folder>/<topic>_test.cpp becomes the
# executable <topic>_test, linked with GoogleTest and the given libraries, and added to CTest
# with a hard timeout so no test can hang CI.
find_package(GTest REQUIRED)
include(GoogleTest)

function(loopscope_add_test source)
  cmake_parse_arguments(ARG "" "TIMEOUT_SECONDS" "LIBRARIES;LABELS" ${ARGN})
  get_filename_component(topic ${source} NAME_WE)
  add_executable(${topic} ${source})
  loopscope_warnings(${topic})
  target_link_libraries(${topic} PRIVATE ${ARG_LIBRARIES} loopscope_test_support GTest::gtest GTest::gtest_main)
  if(NOT ARG_TIMEOUT_SECONDS)
    set(ARG_TIMEOUT_SECONDS 120)
  endif()
  # Labelled with the source area it tests (core, scenarios, viz), so a flavour can build and
  # run one area alone: the ThreadSanitizer pass takes core and scenarios.
  file(RELATIVE_PATH where ${PROJECT_SOURCE_DIR}/tests ${CMAKE_CURRENT_SOURCE_DIR})
  string(REGEX REPLACE "/.*" "" area "${where}")
  set_property(GLOBAL APPEND PROPERTY LOOPSCOPE_TESTS_${area} ${topic})
  gtest_discover_tests(${topic}
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${ARG_TIMEOUT_SECONDS} LABELS "${area};${ARG_LABELS}")
endfunction()
