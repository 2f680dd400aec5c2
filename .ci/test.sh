#!/usr/bin/env bash
# The README's test command: services, packages, type check, every test against real PostgreSQL and
# Redis, then the browser tests against the production build with web and workers running.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh
source .ci/prepare.sh

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  can_install || die "Browser tests need Chromium. Run: sudo apt-get update && sudo apt-get install -y chromium"
  say "Installing Chromium for browser tests (apt-get install chromium)…"
  apt_install chromium
fi

say "Type-checking…"
npx tsc --noEmit
say "Running tests…"
npx vitest run "$@"
if [ $# -eq 0 ]; then
  say "Running browser tests…"
  npx vitest run --config vitest.e2e.config.ts
fi
