#!/usr/bin/env bash
# Installs packages when the lock file changed, and generates the Prisma client. Shared by demo and test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Prisma's CLI cannot download its native schema engine here; this stand-in runs Prisma's own
# WebAssembly engine over pg (see docs/decisions/0002-prisma-offline-migrations.md).
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/prisma/schema-engine-wasm.mjs}"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install rather than npm ci: npm 11 here leaves other platforms' optional packages (rollup,
  # esbuild, msgpackr builds) out of the lock file, which npm ci then rejects; install keeps to the lock.
  echo "[playpass] Installing packages (npm install)…" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
fi
npx prisma generate >/dev/null
