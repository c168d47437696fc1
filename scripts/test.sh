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

echo "==> Python tests"
.venv/bin/pytest -q -p no:cacheprovider "$@"

if [ -f ui/package.json ]; then
  echo "==> UI unit tests (Vitest)"
  (cd ui && npm run -s test)
  echo "==> UI end-to-end tests (Playwright, headless Chromium)"
  (cd ui && npm run -s e2e)
fi
echo "==> all tests passed"
