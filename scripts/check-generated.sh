#!/usr/bin/env bash
# Fails (exit 1) when program/generated/ differs from what the pinned flatc makes
# from native/schema/*.fbs today: someone edited a schema without regenerating,
# or edited generated code by hand. Fix with: npm run generate:schema
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$root/scripts/generate-schema.sh" "$tmp/generated"
if ! diff -ru "$root/program/generated" "$tmp/generated"; then
  echo "program/generated is out of date with native/schema: run 'npm run generate:schema' and commit the result." >&2
  exit 1
fi
echo "program/generated matches native/schema."
