#!/usr/bin/env bash
# Debian packages an etbench host needs: the toolchain that builds the native addon and etrun
# during `npm ci`, Node.js, adb for Android devices, and (orchestrator hosts with a local
# database only) PostgreSQL; util-linux (prlimit, setpriv: the agent's limits and --run-as) and
# openssl (etbench certs). Usage: deploy/system-deps.sh [agent|orchestrator|all]
set -euo pipefail
role=${1:-all}
packages=(g++ make python3 nodejs npm ca-certificates util-linux openssl)
case "$role" in
  agent) packages+=(adb) ;;
  orchestrator) packages+=(postgresql-client) ;;
  all) packages+=(adb postgresql postgresql-client) ;;
  *) echo "deploy/system-deps.sh: role must be agent, orchestrator or all, got '$role'" >&2; exit 2 ;;
esac
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
