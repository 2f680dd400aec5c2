#!/usr/bin/env bash
# The README's run command: services, packages, database, demo data, production build, then web and workers.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh
source .ci/prepare.sh

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/playpass}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
db_name="${DATABASE_URL##*/}"; db_name="${db_name%%\?*}"
if ! psql "${DATABASE_URL%/*}/postgres" -Atc "select 1 from pg_database where datname = '$db_name'" | grep -q 1; then
  echo "[playpass] Creating database $db_name…" >&2
  psql "${DATABASE_URL%/*}/postgres" -qc "create database \"$db_name\""
fi
echo "[playpass] Migrating…" >&2
npx prisma migrate deploy >/dev/null
echo "[playpass] Seeding demo data…" >&2
npx tsx prisma/seed.ts
echo "[playpass] Building…" >&2
mkdir -p var && npx remix vite:build > var/build.log 2>&1 || { cat var/build.log; exit 1; }

# The demo runs the production build. It keeps a session secret of its own between restarts,
# and shows sent messages at /dev/outbox because no Notify key is set.
mkdir -p var
[ -s var/session-secret ] || node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))' > var/session-secret
export SESSION_SECRET="${SESSION_SECRET:-$(cat var/session-secret)}"
export NODE_ENV=production DEV_OUTBOX="${DEV_OUTBOX:-on}" PORT="${PORT:-3000}"
echo "[playpass] Playpass is starting on http://localhost:$PORT (Ctrl-C stops web and workers)" >&2
exec npx concurrently --kill-others --names web,workers --prefix-colors blue,magenta \
  "node --max-old-space-size=384 build/node/serve.js" \
  "node build/node/workers.js"
