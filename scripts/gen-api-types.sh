#!/usr/bin/env bash
# Generate the UI's API types from the OpenAPI document the server serves:
#   ui/src/lib/api/generated/{openapi.json, schema.d.ts, enums.ts}
# `scripts/gen-api-types.sh --check` generates into a temporary directory and fails (exit 1, with the
# diff) when the committed files differ: scripts/test.sh runs it, so a stale file fails the tests.
# WEAVER_API_TYPES_DIR names another directory to write or check (tests use a copy).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${WEAVER_API_TYPES_DIR:-ui/src/lib/api/generated}

generate() {  # generate DIR
  local dir
  dir=$(cd "$1" && pwd)
  .venv/bin/python -m app.glados.openapi_dump > "$dir/openapi.json"
  (cd ui && node scripts/generate-api.mjs "$dir/openapi.json" "$dir")
}

if [ "${1:-}" = "--check" ]; then
  fresh=$(mktemp -d)
  trap 'rm -rf "$fresh"' EXIT
  generate "$fresh"
  if ! diff -ru "$TARGET" "$fresh" >&2; then
    echo "$TARGET is stale: run scripts/gen-api-types.sh and commit the result" >&2
    exit 1
  fi
  echo "$TARGET is up to date"
else
  mkdir -p "$TARGET"
  generate "$TARGET"
  echo "wrote $TARGET"
fi
