#!/usr/bin/env bash
# Simulates every shipped workload (workloads/*.json, workloads/eras/*.json) under every shipped profile
# (profiles/*.json) with `netns-policy simulate <w> --profile <era> --format json`, one file per pair in OUTDIR.
# With a second directory, compares the two byte for byte and lists the pairs that differ, counted per profile:
# how a kernel-model change is shown to leave eras unchanged (docs/eras.md).
#   scripts/era-snapshots.sh OUTDIR            write the snapshots
#   scripts/era-snapshots.sh OUTDIR BEFOREDIR  write them, then compare with BEFOREDIR
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: era-snapshots.sh OUTDIR [BEFOREDIR]}
mkdir -p "$out"
dotnet build src/Cli -c Release -nologo -v q >&2
dll=src/Cli/bin/Release/net10.0/netns-policy.dll
for w in workloads/*.json workloads/eras/*.json; do
  for p in profiles/*.json; do
    era=$(basename "$p" .json)
    dotnet "$dll" simulate "$w" --profile "$era" --format json > "$out/$(basename "$w" .json).$era.json"
  done
done
if [ $# -ge 2 ]; then
  changed=0
  for f in "$2"/*.json; do
    b=$(basename "$f")
    if ! cmp -s "$f" "$out/$b"; then
      echo "differs: $b"
      changed=$((changed + 1))
    fi
  done
  echo "$changed of $(ls "$2"/*.json | wc -l) pairs differ"
fi
