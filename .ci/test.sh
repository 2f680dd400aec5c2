#!/usr/bin/env bash
# The README's test command: services, packages, type check, then every test against real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh
source .ci/prepare.sh
echo "[playpass] Type-checking…" >&2
npx tsc --noEmit
echo "[playpass] Running tests…" >&2
npx vitest run "$@"
