#!/usr/bin/env bash
# Fuzzes the runtime with libFuzzer (native/fuzz/fuzz_program.cpp; docs/hardening.md).
#
#   scripts/fuzz.sh [SECONDS]          default 60
#   scripts/fuzz.sh [SECONDS] --save   also merge what was found into native/fuzz/corpus/
#
# Builds `node native/build.mjs fuzz`, seeds a temporary corpus with the real
# fixtures (../shared/fixtures, or $ETB_FIXTURES), the committed corpus and
# the reproducers,
# then runs for at least SECONDS seconds and at least $FUZZ_MIN_RUNS
# (default 100000) executions, whichever is later. Prints the executions,
# seconds and libFuzzer's final coverage (cov: edges, ft: features).
# A crash, timeout (10 s per input) or out-of-memory stops the run; the input
# is copied to build/fuzz-artifacts/ and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

want_seconds=${1:-60}
save=false
[[ "${2:-}" == "--save" ]] && save=true
min_runs=${FUZZ_MIN_RUNS:-100000}
fixtures=${ETB_FIXTURES:-../shared/fixtures}

node native/build.mjs fuzz
bin=build/native/fuzz/fuzz_program

work=$(mktemp -d "${TMPDIR:-/tmp}/etbench-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts" "$work/fixtures"
# KeywordSpotting runs a whole int8 network per execution (milliseconds under
# the sanitizers), which would drop the rate below 100/s; the hostile corpus
# (test/hardening) covers it with 1,000+ mutations instead.
for f in "$fixtures"/executorch/*.pte "$fixtures"/executorch/*.bpte "$fixtures"/xnnpack/*.pte; do
  [[ -f "$f" && "$f" != *KeywordSpotting* ]] && cp "$f" "$work/fixtures/"
done
cp "$work"/fixtures/* "$work/corpus/" 2>/dev/null || true
cp native/fuzz/corpus/* native/fuzz/reproducers/*.*pte "$work/corpus/" 2>/dev/null || true

flags=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/")
runs=0
start=$(date +%s)
log="$work/fuzz.log"

# One libFuzzer session; adds its executions to $runs. Fails on a finding.
session() {
  if ! "$bin" "${flags[@]}" "$@" "$work/corpus" >"$log" 2>&1; then
    mkdir -p build/fuzz-artifacts
    cp "$work"/artifacts/* build/fuzz-artifacts/ 2>/dev/null || true
    tail -n 60 "$log"
    echo "fuzz: FOUND A BUG; inputs copied to build/fuzz-artifacts/ (see docs/hardening.md, 'Adding a reproducer')"
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" || true
  local n
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  runs=$((runs + ${n:-0}))
}

session -max_total_time="$want_seconds"
while ((runs < min_runs)); do
  session -runs=$((min_runs - runs))
done
elapsed=$(($(date +%s) - start))
final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$final")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$final")
corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$final")
echo "fuzz: $runs executions in $elapsed s; cov: ${cov:-?} ft: ${ft:-?} corpus: ${corp:-?}"

if $save; then
  # Keep inputs up to 16 KiB that add coverage beyond the fixtures and the
  # reproducers (never those themselves), then at most ~1 MiB of them,
  # smallest first.
  mkdir -p "$work/merged" "$work/small"
  find "$work/corpus" -type f -size -16k -exec cp {} "$work/small/" \;
  cp "$work"/fixtures/* native/fuzz/reproducers/*.*pte "$work/merged/"
  baseline=$(ls "$work/merged")
  "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$work/merged" "$work/small" >"$work/merge.log" 2>&1
  for f in $baseline; do rm -f "$work/merged/$f"; done
  rm -f native/fuzz/corpus/*
  total=0
  while read -r size f; do
    ((total + size > 1048576)) && break
    total=$((total + size))
    cp "$f" native/fuzz/corpus/
  done < <(find "$work/merged" -type f -printf '%s %p\n' | sort -n)
  echo "fuzz: native/fuzz/corpus now holds $(ls native/fuzz/corpus | wc -l) inputs, $((total / 1024)) KiB"
fi
