#!/usr/bin/env bash
# End-to-end time of the README's commands, beside a `dotnet` hello-world measured alongside (issue 16, item 5).
#
#   scripts/bench-commands.sh [RUNS]            RUNS rounds (default 7) of the quick commands, TOURNAMENT_RUNS (default 3)
#                                               rounds of the tournament; the commands alternate within each round so a
#                                               load change on a shared machine hits them all alike.
#   EXTRA_CLI=DIR scripts/bench-commands.sh     also times DIR/netns-policy (e.g. a ReadyToRun publish, or a copy of an
#                                               older build's output for a before/after in one sitting) on `simulate`
#                                               and, unless SKIP_TOURNAMENT, on the tournament.
#   SKIP_DOTNET_RUN=1 / SKIP_TOURNAMENT=1       leave those out.
#
# Every run goes through /usr/bin/time -v (peak RSS, CPU); wall time is taken with nanosecond clock reads around it.
# /proc/loadavg is recorded before each run. Output: one line per command with median and range of the wall time, its
# ratio to the hello-world's median, median user+sys CPU (to the millisecond, from bash's `times`) and peak RSS, and the
# load averages seen.
# The CLI is used as built: `dotnet build src/Cli -c Release` first (the script builds it when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
TOURNAMENT_RUNS=${TOURNAMENT_RUNS:-3}
CLI_DIR=src/Cli/bin/Release/net10.0
[[ -x $CLI_DIR/netns-policy ]] || dotnet build src/Cli -c Release -nologo -v q
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A hello-world console app, built in the temp dir with the same SDK (global.json is copied so it resolves alike).
mkdir -p "$TMP/hello"
cp global.json "$TMP/hello/" 2>/dev/null || true
cat >"$TMP/hello/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
</Project>
XML
echo 'Console.WriteLine("Hello, World!");' >"$TMP/hello/Program.cs"
dotnet build "$TMP/hello/hello.csproj" -c Release -nologo -v q -o "$TMP/hello/out" >/dev/null

declare -a NAMES CMDS
add() { NAMES+=("$1"); CMDS+=("$2"); }
add hello-world "$TMP/hello/out/hello"
add "simulate (apphost)" "$CLI_DIR/netns-policy simulate seed-1000-maxcpus1"
add "simulate (dotnet dll)" "dotnet $CLI_DIR/netns-policy.dll simulate seed-1000-maxcpus1"
[[ -n ${EXTRA_CLI:-} ]] && add "simulate ($EXTRA_CLI)" "$EXTRA_CLI/netns-policy simulate seed-1000-maxcpus1"
[[ -n ${SKIP_DOTNET_RUN:-} ]] || add "simulate (dotnet run, README)" "dotnet run --project src/Cli -c Release -- simulate seed-1000-maxcpus1"
QUICK=${#NAMES[@]}
[[ -n ${SKIP_TOURNAMENT:-} ]] || add "tournament main.json (apphost)" "$CLI_DIR/netns-policy tournament tournaments/main.json --out $TMP/tournament"
[[ -n ${SKIP_TOURNAMENT:-} || -z ${EXTRA_CLI:-} ]] || add "tournament ($EXTRA_CLI)" "$EXTRA_CLI/netns-policy tournament tournaments/main.json --out $TMP/tournament-extra"

run_one() { # index round
  local i=$1 r=$2 t0 t1
  cut -d' ' -f1 /proc/loadavg >>"$TMP/load.$i"
  t0=$(date +%s%N)
  # A command's own exit status is recorded, not fatal: `tournament` exits non-zero when a gate fails, after all its work.
  local rc=0
  # In a subshell, so that bash's `times` gives the command's user+sys to the millisecond (GNU time's has 10 ms steps).
  (
    sub=0
    /usr/bin/time -v -o "$TMP/time.$i.$r" ${CMDS[$i]} >"$TMP/out.$i.$r" 2>"$TMP/err.$i.$r" || sub=$?
    times >"$TMP/times"
    exit "$sub"
  ) || rc=$?
  echo "$rc" >>"$TMP/rc.$i"
  grep -q 'Exit status' "$TMP/time.$i.$r" || { echo "FAILED to run: ${CMDS[$i]}" >&2; cat "$TMP/err.$i.$r" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000)) >>"$TMP/wall.$i"
  if [[ -s $TMP/times ]]; then
    # The second line: the children's user and system time, e.g. "0m0.112s 0m0.021s".
    awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 + 0.5}' "$TMP/times" >>"$TMP/cpu.$i"
  else
    awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%d\n", (u+s)*1000}' "$TMP/time.$i.$r" >>"$TMP/cpu.$i"
  fi
  rm -f "$TMP/times"
  awk -F': ' '/Maximum resident set size/ {printf "%d\n", $2/1024}' "$TMP/time.$i.$r" >>"$TMP/rss.$i"
}

echo "date $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), dotnet $(dotnet --version), commit $(git rev-parse --short HEAD)"
for ((r = 0; r < RUNS; r++)); do
  for ((i = 0; i < QUICK; i++)); do run_one "$i" "$r"; done
  if ((r < TOURNAMENT_RUNS)); then for ((i = QUICK; i < ${#NAMES[@]}; i++)); do run_one "$i" "$r"; done; fi
done

# Every variant of `simulate` must print the same bytes (a start-up setting may not change a result).
ref=""
for ((i = 1; i < QUICK; i++)); do
  for f in "$TMP"/out."$i".*; do
    h=$(sha256sum <"$f" | cut -c1-16)
    if [[ -z $ref ]]; then ref=$h; elif [[ $h != "$ref" ]]; then echo "OUTPUT DIFFERS: ${NAMES[$i]} ($f)" >&2; exit 1; fi
  done
done
echo "simulate output identical across all variants and runs (sha256 $ref…)"

median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
hello=$(median "$TMP/wall.0")
printf '%-34s %5s %9s %15s %9s %9s %9s %6s  %s\n' command runs "median ms" "range ms" "x hello" "cpu ms" "rss MiB" "exit" "load (1 min) seen"
for ((i = 0; i < ${#NAMES[@]}; i++)); do
  m=$(median "$TMP/wall.$i")
  printf '%-34s %5d %9d %15s %9.2f %9d %9d %6s  %s\n' "${NAMES[$i]}" "$(wc -l <"$TMP/wall.$i")" "$m" \
    "$(sort -n "$TMP/wall.$i" | head -1)–$(sort -n "$TMP/wall.$i" | tail -1)" "$(echo "$m / $hello" | bc -l)" \
    "$(median "$TMP/cpu.$i")" "$(median "$TMP/rss.$i")" "$(sort -u "$TMP/rc.$i" | paste -sd/)" "$(sort -n "$TMP/load.$i" | head -1)–$(sort -n "$TMP/load.$i" | tail -1)"
done
