#!/usr/bin/env bash
# Creates the project's Python environment (.venv in the repository root) with
# the real ExecuTorch pinned in exporter/requirements.txt (+ exporter/constraints.txt).
#
#   npm run setup:python            # create or bring up to date; a no-op when current
#   npm run setup:python -- --force # delete .venv and start over
#
# Idempotent: after a successful install it writes .venv/.etbench-requirements.sha256
# (hash of both requirement files and the Python version). When that stamp matches
# and the installed versions check out, nothing is installed. PYTHON picks the
# interpreter (default python3, 3.10-3.12). See docs/python.md.
set -euo pipefail

start=$(date +%s.%N)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
req="$root/exporter/requirements.txt"
cons="$root/exporter/constraints.txt"
stamp="$venv/.etbench-requirements.sha256"
python="${PYTHON:-python3}"

elapsed() { awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
say() { echo "setup-python: $*" >&2; }

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) say "unknown argument $arg (use --force or --help)"; exit 2 ;;
  esac
done

command -v "$python" >/dev/null || { say "$python not found; set PYTHON=/path/to/python3"; exit 1; }
pyver="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$(cat "$req" "$cons" | sha256sum | cut -d' ' -f1) python-$pyver"

# Versions the requirements pin, checked against the installed metadata; `verify full` also
# imports ExecuTorch's runtime (seconds: it pulls in torch and exir), done after installing.
verify() {
  "$venv/bin/python" - "$req" "${1:-quick}" <<'PY'
import re, sys
from importlib.metadata import version, PackageNotFoundError
bad = []
for line in open(sys.argv[1]):
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)==([^\s#;]+)", line)
    if not m:
        continue
    name, pinned = m.groups()
    try:
        got = version(name)
    except PackageNotFoundError:
        got = None
    if got is None or got.split("+")[0] != pinned:
        bad.append(f"{name}: want {pinned}, have {got}")
if bad:
    sys.exit("; ".join(bad))
if sys.argv[2] != "full":
    sys.exit(0)
from executorch.runtime import Runtime  # fails when torch is missing beside executorch
Runtime.get()
PY
}

if [[ $force == 1 && -e "$venv" ]]; then
  say "--force: removing $venv"
  rm -rf "$venv"
fi

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && verify 2>/dev/null; then
  say "up to date ($(grep -E '^(executorch|torch)==' "$req" | tr '\n' ' ')python $pyver) in $(elapsed) s"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  rm -rf "$venv"
  say "creating $venv with $python ($pyver)"
  "$python" -m venv "$venv"
fi
rm -f "$stamp"

say "installing exporter/requirements.txt (first time: several GB, minutes; pip's cache makes reruns fast)"
"$venv/bin/python" -m pip install --disable-pip-version-check --require-virtualenv -q \
  -r "$req" -c "$cons"

if ! err="$(verify full 2>&1)"; then
  say "installed, but the check failed: $err"
  exit 1
fi
echo "$want" > "$stamp"
say "ready: $(grep -E '^(executorch|torch)==' "$req" | tr '\n' ' ')python $pyver in $(elapsed) s"
