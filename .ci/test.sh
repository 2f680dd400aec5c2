#!/usr/bin/env bash
# The README's test command: services, packages, type check, every test against real PostgreSQL and
# Redis, then the browser tests against the production build with web and workers running.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh
source .ci/prepare.sh
rm -f tests/.artifacts/unit.json tests/.artifacts/e2e.json

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  can_install || die "Browser tests need Chromium. Run: sudo apt-get update && sudo apt-get install -y chromium"
  say "Installing Chromium for browser tests (apt-get install chromium)…"
  apt_install chromium
fi

say "Type-checking…"
npx tsc --noEmit
mkdir -p tests/.artifacts
say "Running tests…"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=tests/.artifacts/unit.json "$@" || status=$?
if [ $# -eq 0 ] && [ $status -eq 0 ]; then
  say "Running browser tests…"
  npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=tests/.artifacts/e2e.json || status=$?
fi
# One plain closing line over every run: "N passed, N failed".
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of ["tests/.artifacts/unit.json", "tests/.artifacts/e2e.json"]) {
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
  }
  console.log(`${passed} passed, ${failed} failed`);
'
exit $status
