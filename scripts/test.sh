#!/usr/bin/env bash
# The project's test command (README): installs what the tests need when missing, builds, runs every test
# project, and ends with one line "N passed, N failed, N skipped" summed over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."

# System packages some tests need (a browser, Debian's gRPC for Python, Node packages): each script in
# scripts/deps installs its piece only when it is missing, so a fresh machine and CI get the same run.
for dep in scripts/deps/*.sh; do
  [ -e "$dep" ] || continue
  echo "== dependency: $dep"
  if ! bash "$dep"; then
    echo "dependency script $dep failed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== build"
if ! dotnet build NetnsPolicy.sln -c Release -nologo -v q; then
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
echo "== test"
dotnet test NetnsPolicy.sln -c Release --no-build -nologo -v q "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12").
read -r passed failed skipped < <(grep -E "(Passed|Failed)! +- +Failed: " "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
