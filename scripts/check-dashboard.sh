#!/usr/bin/env bash
# Fails when the committed UI build (dashboard/built) differs from what its sources build to:
# someone changed dashboard/src without running `npm run build:dashboard`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx vite build --config dashboard/vite.config.ts --outDir "$out" --emptyOutDir >/dev/null
if ! diff -r "$out" dashboard/built; then
  echo "dashboard/built is stale: run npm run build:dashboard and commit dashboard/built" >&2
  exit 1
fi
echo "dashboard/built is up to date"
