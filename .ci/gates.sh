#!/usr/bin/env bash
# The project's own gate: the small tournament tournaments/ci-gate.json run through the netns-policy CLI (with the
# service embedded in-process). Prints the tournament's Markdown summary, then one line per gate result starting
# GATE-PASS or GATE-FAIL (.ci/run counts them), and writes report.html, summary.md, junit.xml and tournament.json
# to $GATES_OUT (default out/ci-gate). Exit code: the CLI's (0 every gate passed, 1 a gate failed, docs/cli.md).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=${GATES_OUT:-out/ci-gate}

if ! dotnet build src/Cli -c Release -nologo -v q >&2; then
  echo "GATE-FAIL ci-gate: the CLI did not build"
  exit 3
fi

dotnet run --project src/Cli -c Release --no-build -- tournament tournaments/ci-gate.json --out "$out" --gate-lines
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  # Exit codes 2-4 mean the tournament did not run to its gates (docs/cli.md): that is a failure too.
  echo "GATE-FAIL ci-gate: the tournament did not run (netns-policy exit code $status)"
fi
exit "$status"
