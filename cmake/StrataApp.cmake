# strata_add_app(NAME FUNCTIONS a.cpp b.cpp ...)
# Declares a Strata app: one executable holding every function, whose main() is
# Strata's command line (serve, migrate, ...). The functions register themselves
# by name; the app's strata.json maps routes to those names.
function(strata_add_app name)
  cmake_parse_arguments(APP "" "" "FUNCTIONS" ${ARGN})
  if(NOT APP_FUNCTIONS)
    message(FATAL_ERROR "strata_add_app(${name}): FUNCTIONS lists no source file")
  endif()
  add_executable(${name} ${APP_FUNCTIONS})
  target_link_libraries(${name} PRIVATE strata::app_main strata::strata)
endfunction()
