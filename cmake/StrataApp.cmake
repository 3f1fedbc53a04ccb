# strata_add_app(NAME FUNCTIONS a.cpp b.cpp ... [TESTS t.cpp ...] [MIGRATIONS dir])
#
# Declares a Strata app in the folder holding its strata.json:
#  - NAME_functions: an object library compiling the FUNCTIONS (they register
#    themselves by name; strata.json maps routes to those names);
#  - NAME: one executable holding every function, whose main() is Strata's command
#    line (serve, invoke, migrate, ...);
#  - with TESTS, and unless BUILD_TESTING is off: NAME_tests, the GoogleTest
#    sources linked with the same functions, registered with CTest as NAME.<Suite>.<Test>.
#    They see STRATA_APP_DIR, the app's folder, which strata/testing.hpp's TestApp opens.
#    Call enable_testing() in the app's top CMakeLists.txt (a directory-scope setting
#    that a function cannot make) so that ctest finds them.
# MIGRATIONS (default: migrations) must be the folder strata.json's database.migrations
# names; it is checked here so that a rename is noticed at configure time.
# Works the same in Strata's own tree and after find_package(Strata).
function(strata_add_app name)
  cmake_parse_arguments(APP "" "MIGRATIONS" "FUNCTIONS;TESTS" ${ARGN})
  if(APP_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "strata_add_app(${name}): unexpected arguments: ${APP_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT APP_FUNCTIONS)
    message(FATAL_ERROR "strata_add_app(${name}): FUNCTIONS lists no source file")
  endif()
  if(NOT APP_MIGRATIONS)
    set(APP_MIGRATIONS migrations)
  endif()
  set(app_dir ${CMAKE_CURRENT_SOURCE_DIR})
  cmake_path(ABSOLUTE_PATH APP_MIGRATIONS BASE_DIRECTORY ${app_dir} NORMALIZE OUTPUT_VARIABLE migrations_dir)
  if(NOT IS_DIRECTORY ${migrations_dir})
    message(FATAL_ERROR "strata_add_app(${name}): MIGRATIONS folder ${migrations_dir} does not exist")
  endif()
  _strata_check_migrations_setting(${name} ${app_dir} ${migrations_dir})

  add_library(${name}_functions OBJECT ${APP_FUNCTIONS})
  target_link_libraries(${name}_functions PUBLIC Strata::strata)

  add_executable(${name})
  target_link_libraries(${name} PRIVATE ${name}_functions Strata::app_main Strata::strata)
  set_target_properties(${name} PROPERTIES STRATA_APP_DIR ${app_dir} STRATA_MIGRATIONS_DIR ${migrations_dir})

  if(APP_TESTS AND (NOT DEFINED BUILD_TESTING OR BUILD_TESTING))
    find_package(GTest REQUIRED)
    include(GoogleTest)
    add_executable(${name}_tests ${APP_TESTS})
    target_link_libraries(${name}_tests PRIVATE ${name}_functions Strata::strata GTest::gtest_main)
    target_compile_definitions(${name}_tests PRIVATE STRATA_APP_DIR="${app_dir}")
    gtest_discover_tests(${name}_tests TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 30 PROPERTIES LABELS ${name})
  endif()
endfunction()

# Fails when strata.json names another migrations folder than MIGRATIONS.
function(_strata_check_migrations_setting name app_dir migrations_dir)
  if(NOT EXISTS ${app_dir}/strata.json)
    message(FATAL_ERROR "strata_add_app(${name}): ${app_dir}/strata.json not found; an app's CMakeLists.txt sits beside it")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${app_dir}/strata.json)
  file(READ ${app_dir}/strata.json project_text)
  string(JSON declared ERROR_VARIABLE missing GET "${project_text}" database migrations)
  if(missing)
    set(declared migrations)  # the loader's default
  endif()
  cmake_path(ABSOLUTE_PATH declared BASE_DIRECTORY ${app_dir} NORMALIZE OUTPUT_VARIABLE declared_dir)
  if(NOT declared_dir STREQUAL migrations_dir)
    message(FATAL_ERROR "strata_add_app(${name}): MIGRATIONS is ${migrations_dir} but ${app_dir}/strata.json's "
                        "database.migrations names ${declared_dir}; make them agree")
  endif()
endfunction()
