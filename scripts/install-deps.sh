#!/usr/bin/env bash
# Installs, from Debian's packages only, what building and testing Strata needs.
# Safe to run again: packages already present are skipped without touching apt.
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  libboost1.74-dev libssl-dev libsqlite3-dev libmariadb-dev libzip-dev rapidjson-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# clang and its runtimes: libFuzzer and the sanitizers (scripts/fuzz.sh, the sanitizer pass of test.sh).
test_packages=(python3 curl wrk sqlite3 mariadb-server mariadb-client openssl unzip binutils util-linux clang
               libclang-rt-14-dev)

wanted=("${build_packages[@]}")
if [ "${1:-}" = "--test" ]; then wanted+=("${test_packages[@]}"); fi

# Test oracles: the AWS CLI and boto3, unless this machine's Python already has them.
if [ "${1:-}" = "--test" ]; then
  command -v aws >/dev/null 2>&1 || wanted+=(awscli)
  python3 -c 'import boto3' >/dev/null 2>&1 || wanted+=(python3-boto3)
  # strata.json's JSON Schema is checked with a real validator (tests/e2e/test_schema.py).
  python3 -c 'import jsonschema' >/dev/null 2>&1 || wanted+=(python3-jsonschema)
fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "strata: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# cfn-lint and moto (deploy's oracles) come from PyPI, not Debian: tried with pip where
# a Python registry is reachable; the deploy tests say so plainly when they are missing.
if [ "${1:-}" = "--test" ]; then
  for module in cfnlint:cfn-lint moto:moto[server]; do
    if ! python3 -c "import ${module%%:*}" >/dev/null 2>&1; then
      echo "strata: installing ${module#*:} with pip" >&2
      python3 -m pip install --quiet "${module#*:}" >/dev/null 2>&1 ||
        python3 -m pip install --quiet --break-system-packages "${module#*:}" >/dev/null 2>&1 ||
        echo "strata: could not install ${module#*:} (no Python registry?): the deploy tests will fail" >&2
    fi
  done
fi

