#!/usr/bin/env bash
# The main job: installs what the build needs (Debian packages), builds, and serves
# the blog example on http://127.0.0.1:3000 with an embedded SQLite database.
# Extra arguments go to `blog serve` (e.g. --port 8000, --db sqlite:/tmp/blog.db).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/examples/blog"
blog="${STRATA_BUILD_DIR:-$root/build}/examples/blog/blog"
# The blog's write routes take a JWT (strata.json "auth"). Without $BLOG_JWT_SECRET, serve checks tokens
# against a development secret kept in examples/blog/.strata/auth/, and `blog token` signs with it.
cat >&2 <<HINT
run.sh: reads are open; writes (POST, PUT, DELETE) need a bearer token:
  TOKEN=\$($blog --app $root/examples/blog token)
  curl -s -X POST localhost:3000/posts -H "Authorization: Bearer \$TOKEN" -d '{"title":"Hello","slug":"hello"}'
HINT
exec "$blog" serve "$@"
