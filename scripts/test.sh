#!/usr/bin/env bash
# Every test: installs what the build and the tests need (Debian packages),
# builds, then runs the unit and end-to-end tests through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --test
"$root/scripts/build.sh"
cd "${STRATA_BUILD_DIR:-$root/build}"
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
