#!/usr/bin/env bash
# Set up and run every Weaver test: Python unit, integration and end-to-end suites (real Postgres
# on 127.0.0.1:5432 and Redis on 127.0.0.1:6379), the import contract, and the UI's Vitest and
# Playwright suites. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --dev

echo "==> lint (ruff)"
.venv/bin/ruff check app workers scheduler tests benchmarks migrations

echo "==> import contract (domain core imports no framework)"
.venv/bin/lint-imports --no-cache

echo "==> UI API types match the OpenAPI document (scripts/gen-api-types.sh --check)"
scripts/gen-api-types.sh --check

if [ $# -gt 0 ]; then  # scripts/test.sh ARGS: just pytest with those arguments
  .venv/bin/pytest -q -p no:cacheprovider "$@"
  exit 0
fi

# Fast tiers first, so a broken build fails in seconds rather than after the slow suites.
echo "==> Python unit tests"
.venv/bin/pytest -q -p no:cacheprovider tests/unit  # one process: compute-bound, and some bound a wall time
if [ -f ui/package.json ]; then
  echo "==> UI unit tests (Vitest)"
  (cd ui && npm run -s test)
fi
echo "==> Python integration and end-to-end tests (Postgres, Redis, real processes)"
# Most of these tests wait on processes, sockets and clocks rather than compute, so four workers
# share two cores well (4:59 against three workers' 6:01 in the same half hour): each has its own
# Postgres database and Redis database (tests/conftest.py), and the slowest tests start first
# (tests/run_order.py). The few bound to the wall clock (marked serial there) then run alone.
.venv/bin/pytest -q -p no:cacheprovider --durations=15 -n "${WEAVER_TEST_WORKERS:-4}" --dist loadgroup \
  --no-loadscope-reorder -m "not serial" tests/integration tests/e2e
.venv/bin/pytest -q -p no:cacheprovider --durations=5 -m serial tests/integration tests/e2e
echo "==> Alpaca's JS SDK against a real weaver exchange (node:test)"
(cd tests/js-sdk && npm ci --no-audit --no-fund && npm test)
if [ -f ui/package.json ]; then
  echo "==> UI end-to-end tests (Playwright, headless Chromium)"
  (cd ui && npm run -s e2e)
fi
echo "==> all tests passed"
