#!/usr/bin/env bash
# perf for the calibration probe's kernel profile of a teardown (docs/calibration.md): Debian's linux-perf, installed
# only when /usr/bin/perf is missing. Idempotent; checked by what the probe runs (perf record / perf script).
set -euo pipefail
if command -v perf >/dev/null 2>&1 && perf version >/dev/null 2>&1; then
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "perf.sh: perf missing and not root: apt-get install linux-perf" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq linux-perf >/dev/null
perf version
