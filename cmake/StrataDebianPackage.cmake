# cpack -G DEB: the SDK as a Debian 12 package. `apt-get install ./strata_*.deb` is
# the whole setup of a machine that builds Strata apps, so Depends names what an app's
# build needs: the compiler, CMake and make, and the -dev packages of every library
# that StrataConfig.cmake finds (the static library's private dependencies), plus
# GoogleTest for the handler tests that `strata new` scaffolds.
set(CPACK_PACKAGE_NAME strata)
set(CPACK_PACKAGE_VENDOR "Strata")
set(CPACK_PACKAGE_CONTACT "Strata maintainers <strata@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C++ SDK for serverless backends on AWS: API Gateway routes, Lambda functions, RDS Data API, migrations")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # strata_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "g++ (>= 4:12), cmake (>= 3.25), make, pkg-config, libssl-dev, libsqlite3-dev, libmariadb-dev, libzip-dev, \
libboost-dev (>= 1.74) | libboost1.74-dev, rapidjson-dev, libcli11-dev, libgtest-dev")
set(CPACK_GENERATOR DEB)
include(CPack)
