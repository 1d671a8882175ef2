#!/usr/bin/env bash
# Fails (exit 1) when proto/generated/ differs from what buf + ts-proto (pinned in package.json)
# make from proto/etbench/v1/*.proto today. Fix with: npm run generate:proto, and commit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/proto/generated" "$tmp/before"
(cd "$root" && npx buf generate proto --template proto/buf.gen.yaml)
if ! diff -ru "$tmp/before" "$root/proto/generated"; then
  echo "proto/generated was out of date with proto/etbench/v1: regenerated it; commit the result." >&2
  exit 1
fi
echo "proto/generated matches proto/etbench/v1."
