#!/usr/bin/env bash
# Installs axe-core, the accessibility rules engine the browser tests inject into each page,
# into .ci/node/ (gitignored). Idempotent: does nothing when it is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.ci/node"
if [ -f "$dir/node_modules/axe-core/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-package-lock --silent axe-core@4
test -f "$dir/node_modules/axe-core/axe.min.js"
