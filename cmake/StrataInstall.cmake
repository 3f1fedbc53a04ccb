# What `cmake --install` puts under the prefix: the strata tool, the libraries, the
# public headers, the CMake package (find_package(Strata) + strata_add_app) and the
# JSON Schema of strata.json. Every path is relative to the prefix, so the tree can
# move (a .deb installs it under /usr).
include(CMakePackageConfigHelpers)

set(STRATA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Strata)
set(STRATA_SCHEMA_DIR ${CMAKE_INSTALL_DATADIR}/strata)

# (The include folder reaches users through strata's $<INSTALL_INTERFACE:...>.)
install(TARGETS strata strata_app_main EXPORT StrataTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# `cmake --install --strip` and the .deb (CPACK_STRIP_FILES) strip executables only; the
# archives' debug information is 95% of their size, so drop it there too (symbols stay).
foreach(archive strata strata_app_main)
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:${archive}>\" COMMAND_ERROR_IS_FATAL ANY)
  endif()")
endforeach()
install(TARGETS strata_tool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/strata DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/strata/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/strata)
install(EXPORT StrataTargets NAMESPACE Strata:: DESTINATION ${STRATA_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/StrataConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/StrataConfig.cmake
                              INSTALL_DESTINATION ${STRATA_CMAKE_DIR}
                              PATH_VARS STRATA_SCHEMA_DIR)
# 0.x: a minor release may break apps, so only the same minor version matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/StrataConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/StrataConfig.cmake ${PROJECT_BINARY_DIR}/StrataConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/StrataApp.cmake
        DESTINATION ${STRATA_CMAKE_DIR})

# The schema sits at <prefix>/share/strata/ installed, and at <build>/share/strata/ in a
# build tree, so that the strata tool finds it at ../share/strata beside its own folder
# in both (strata new points new apps' $schema at it).
install(FILES ${PROJECT_SOURCE_DIR}/schema/strata.schema.json DESTINATION ${STRATA_SCHEMA_DIR})
configure_file(${PROJECT_SOURCE_DIR}/schema/strata.schema.json ${PROJECT_BINARY_DIR}/share/strata/strata.schema.json
               COPYONLY)
