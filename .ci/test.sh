#!/usr/bin/env bash
# The README's test command: services, packages, type check (beside the production build), every test against
# real PostgreSQL and Redis, and beside them the browser tests against that build with web and workers running.
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

mkdir -p tests/.artifacts
# The type check and the production build each keep one core busy, so on a two-core machine they run side by
# side; the browser tests then use this build instead of making their own (E2E_SKIP_BUILD).
build_pid=
if [ $# -eq 0 ]; then
  say "Building for the browser tests (log: tests/.artifacts/build.log), while type-checking…"
  # The CLI itself rather than npx, so the pid below is the build's own and the trap can stop it.
  NODE_ENV=production node_modules/.bin/remix vite:build > tests/.artifacts/build.log 2>&1 &
  build_pid=$!
  trap '[ -n "$build_pid" ] && kill "$build_pid" 2>/dev/null; true' EXIT
fi
say "Type-checking…"
npx tsc --noEmit
build_status=0
if [ -n "$build_pid" ]; then
  wait "$build_pid" || build_status=$?
  build_pid=
  [ $build_status -eq 0 ] || { cat tests/.artifacts/build.log >&2; die "The production build failed (exit $build_status); its output is above."; }
fi
status=0
# Both kinds of test spend most of their time waiting (on PostgreSQL's commits, the browser, the server), so
# the browser tests run beside the others, against their own database, Redis prefix and port; their output
# goes to a log printed after the other tests' output.
e2e_pid=
if [ $# -eq 0 ]; then
  say "Running browser tests in the background (log: tests/.artifacts/e2e.log)…"
  E2E_SKIP_BUILD=1 node_modules/.bin/vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=tests/.artifacts/e2e.json > tests/.artifacts/e2e.log 2>&1 &
  e2e_pid=$!
  trap '[ -n "$e2e_pid" ] && kill "$e2e_pid" 2>/dev/null; true' EXIT
fi
say "Running tests…"
npx vitest run --reporter=default --reporter=json --outputFile.json=tests/.artifacts/unit.json "$@" || status=$?
if [ -n "$e2e_pid" ]; then
  say "Waiting for the browser tests…"
  e2e_status=0
  wait "$e2e_pid" || e2e_status=$?
  e2e_pid=
  say "Browser tests:"
  cat tests/.artifacts/e2e.log
  [ $e2e_status -eq 0 ] || status=$e2e_status
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
