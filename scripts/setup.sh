#!/usr/bin/env bash
# Set up Weaver on a fresh machine: Python venv + pinned requirements, the UI build, and (with
# --dev) the test tools: dev requirements, Debian's chromium for browser tests.
# Safe to run again: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    *) echo "usage: scripts/setup.sh [--dev]" >&2; exit 2 ;;
  esac
done

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "Weaver needs Python 3.11" >&2; exit 1; }

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

# Debian's packages for the tests download and unpack while pip and npm install (a fresh machine's
# longest steps); the script waits for them before it ends.
APT_PID=""
if [ "$DEV" = 1 ] && { [ ! -x /usr/bin/chromium ] || ! command -v docker-compose >/dev/null; }; then
  echo "==> installing Debian packages for tests in the background: chromium (browser tests), docker-compose (compose checks)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  APT_LOG=$(mktemp)
  ( $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium docker-compose ) \
    >"$APT_LOG" 2>&1 &
  APT_PID=$!
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
REQ=requirements/base.txt
[ "$DEV" = 1 ] && REQ=requirements/dev.txt
want="$(stamp "$REQ" requirements/base.txt pyproject.toml)"
if [ "$(cat .venv/.weaver-installed 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python packages ($REQ)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$REQ"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > .venv/.weaver-installed
fi

if [ -f ui/package.json ]; then
  want="$(stamp ui/package-lock.json)"
  if [ ! -d ui/node_modules ] || [ "$(cat ui/node_modules/.weaver-installed 2>/dev/null)" != "$want" ]; then
    echo "==> installing UI packages (npm ci)"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > ui/node_modules/.weaver-installed
  fi
  want="$(find ui/src ui/index.html ui/package-lock.json ui/vite.config.ts -type f 2>/dev/null | sort | xargs cat | sha256sum | cut -c1-16)"
  if [ ! -f ui/dist/index.html ] || [ "$(cat ui/dist/.weaver-built 2>/dev/null)" != "$want" ]; then
    echo "==> building the UI"
    (cd ui && npm run -s build)
    echo "$want" > ui/dist/.weaver-built
  fi
fi

if [ -n "$APT_PID" ]; then
  wait "$APT_PID" || { cat "$APT_LOG" >&2; echo "installing chromium and docker-compose failed" >&2; exit 1; }
  echo "==> Debian packages for tests installed"
fi
echo "==> setup done"
