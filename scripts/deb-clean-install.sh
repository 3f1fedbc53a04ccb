#!/usr/bin/env bash
# Long-run check, not part of CI: the .deb is the whole setup of a clean Debian 12.
# Packs the .deb from a build tree, makes a minimal Debian 12 root with debootstrap,
# installs the .deb there with apt-get (which brings its Depends and nothing else:
# no recommends), then creates, builds, tests and serves a new app inside it.
# Needs root (chroot) and a Debian mirror.   Usage: scripts/deb-clean-install.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=${2:-$(mktemp -d /tmp/strata-deb-root.XXXXXX)}
mirror=${STRATA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$work"

if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
started=$(date +%s)
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/package" >/dev/null
deb=$(ls "$work"/package/strata_*.deb)
echo "deb-clean-install: $(basename "$deb") ($(du -h "$deb" | cut -f1)); debootstrap bookworm into $work/root"
debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
cp "$deb" "$work/root/tmp/"
# The strata tool finds its schema through /proc/self/exe: give the root a /proc.
mounted=0
if mount -t proc proc "$work/root/proc" 2>/dev/null; then mounted=1; fi
trap 'if [ $mounted = 1 ]; then umount "$work/root/proc"; fi' EXIT

chroot "$work/root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive /bin/bash -euo pipefail -c '
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends /tmp/strata_*.deb >/tmp/apt.log
  echo "deb-clean-install: installed; $(strata --version)"
  cd /tmp && strata new todo >/dev/null && cd todo
  grep -q "file:///usr/share/strata/strata.schema.json" strata.json && test -f /usr/share/strata/strata.schema.json
  cmake -S . -B build >/dev/null && cmake --build build >/dev/null
  ctest --test-dir build --output-on-failure | grep "^100% tests passed"
  ./build/todo serve --port 0 >serve.log 2>&1 &
  for _ in $(seq 100); do grep -q "listening on" serve.log && break; sleep 0.1; done
  port=$(sed -n "s/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p" serve.log)
  exec 3<>/dev/tcp/127.0.0.1/$port
  printf "GET /messages/1 HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3
  answer=$(cat <&3 | tail -1)
  kill %1; wait || true
  echo "deb-clean-install: GET /messages/1 -> $answer"
  [ "$answer" = "{\"id\":1,\"text\":\"Hello from todo\"}" ]
'
echo "deb-clean-install: passed in $(( $(date +%s) - started )) s (root in $work)"
