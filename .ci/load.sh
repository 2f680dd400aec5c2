#!/usr/bin/env bash
# The load test (`npm run load`): services and packages as for the tests, then tests/load/run.ts with
# any options given (e.g. npm run load -- --connections 50 --duration 20 --skip-build).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh
source .ci/prepare.sh
exec npx tsx tests/load/run.ts "$@"
