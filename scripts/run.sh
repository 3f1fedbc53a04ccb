#!/usr/bin/env bash
# The main job: installs what the build needs (Debian packages), builds, and serves
# the blog example on http://127.0.0.1:3000 with an embedded SQLite database.
# Extra arguments go to `blog serve` (e.g. --port 8000, --db sqlite:/tmp/blog.db).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/examples/blog"
exec "${STRATA_BUILD_DIR:-$root/build}/examples/blog/blog" serve "$@"
