#!/usr/bin/env bash
# Refreshes the byte-identity digests (tests/Identity.Tests/digests.json) from the current engine: run after an
# intended change of results (kernel model, scoring), then commit the file with that change. Every speed change
# must leave them as they are (docs/benchmarks.md, "Byte-identical results").
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Identity.Tests -c Release -nologo -v q
NETNS_POLICY_UPDATE_DIGESTS=1 dotnet test tests/Identity.Tests -c Release --no-build -nologo -v minimal
git --no-pager diff --stat -- tests/Identity.Tests/digests.json
