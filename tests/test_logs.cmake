# Every log the suite writes lands under <build>/test-logs/<test> (tests/e2e/kept_logs.py);
# the fixture `test_logs` empties that folder first and, once every test that writes there is
# done, runs check_test_logs.py: no test secret in any log, no sanitizer report.
# A test joins with strata_keep_test_logs(TEST), in the CMakeLists.txt that adds it.
set(STRATA_TEST_LOGS_ROOT ${CMAKE_BINARY_DIR}/test-logs)

# Under STRATA_SANITIZE, what the programs a test starts report goes to its log folder too, and
# counts: a finding ends the program with exit code 23; LeakSanitizer's leaks at exit count.
# STRATA_TEST_SLOWDOWN scales the timeouts of timing-sensitive tests to the slower binaries.
function(strata_keep_test_logs test)
  set(folder ${STRATA_TEST_LOGS_ROOT}/${test})
  set_property(TEST ${test} APPEND PROPERTY FIXTURES_REQUIRED test_logs)
  set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT "STRATA_TEST_LOG_DIR=${folder}")
  if(STRATA_SANITIZE)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=halt_on_error=1:exitcode=23:detect_leaks=1:log_path=${folder}/sanitizer"
      "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=23:log_path=${folder}/sanitizer"
      "LSAN_OPTIONS=exitcode=23"
      "STRATA_TEST_SLOWDOWN=3")
    get_test_property(${test} TIMEOUT timeout)
    if(timeout)
      math(EXPR timeout "${timeout} * 3")
      set_tests_properties(${test} PROPERTIES TIMEOUT ${timeout})
    endif()
  endif()
endfunction()

find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME test_logs_clear COMMAND ${CMAKE_COMMAND} -E rm -rf ${STRATA_TEST_LOGS_ROOT})
set_tests_properties(test_logs_clear PROPERTIES FIXTURES_SETUP test_logs)
add_test(NAME test_logs_hold_no_secrets
         COMMAND ${Python3_EXECUTABLE} -m unittest -v check_test_logs
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(test_logs_hold_no_secrets PROPERTIES
  FIXTURES_CLEANUP test_logs
  ENVIRONMENT "STRATA_TEST_LOGS_ROOT=${STRATA_TEST_LOGS_ROOT};STRATA_MARIADB_DIR=${CMAKE_BINARY_DIR}/mariadb;STRATA_TEST_MYSQL_URL_FILE=${CMAKE_BINARY_DIR}/mariadb/url;PYTHONDONTWRITEBYTECODE=1"
  TIMEOUT 120)
