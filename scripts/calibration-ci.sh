#!/usr/bin/env bash
# Calibration in CI: probe the machine's kernel, fit a profile to the measurements, validate it on the quantities
# it was not fitted on (docs/calibration.md). Needs root and network namespaces; elsewhere it prints why it skips and
# exits 0. About two to three minutes on a 2-CPU VM (build excluded); removes everything it creates.
# Last line: "calibration-ci: PASS …", "calibration-ci: SKIP: …" (exit 0) or "calibration-ci: FAIL: …" (exit 1).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Held-out central quantities (larger burst's teardown and median creation) must be within this RMS log error:
# 1.0 ≈ within a factor of 2.7: fresh bursts on a loaded, shared 2-CPU VM vary by 2–3x from run to run (a burst of
# 64 took 40 ms, 96 ms and 363 ms in three runs at load average 16–22), so a tighter gate would flap.
MAX_HELD_OUT_RMS=${MAX_HELD_OUT_RMS:-1.0}

skip() { echo "calibration-ci: SKIP: $*"; exit 0; }
fail() { echo "calibration-ci: FAIL: $*"; exit 1; }

[ "$(uname -s)" = Linux ] || skip "not Linux"
[ "$(id -u)" = 0 ] || skip "not root (the probe creates network namespaces and veth pairs)"
command -v ip >/dev/null 2>&1 || skip "iproute2's ip is not installed"
unshare -n true 2>/dev/null || skip "unshare -n fails here (no network namespaces in this sandbox)"

dll=src/Cli/bin/Release/net10.0/netns-policy.dll
if [ ! -f "$dll" ]; then
  dotnet build src/Cli -c Release -nologo -v q >/dev/null || fail "build of src/Cli failed"
fi
cli() { dotnet "$dll" "$@"; }

work=$(mktemp -d)
probe_pid=
cleanup() {
  [ -n "$probe_pid" ] && kill -TERM "$probe_pid" 2>/dev/null && wait "$probe_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "calibration-ci: interrupted"; exit 130' INT TERM

# perf for the teardown's kernel profile (validate prints it beside the simulated one); without it the probe skips it.
bash scripts/deps/perf.sh >/dev/null 2>&1 || echo "calibration-ci: perf unavailable: no kernel profile this run"

echo "== calibration: probe"
# Reduced from the full probe (docs/calibration.md): three burst sizes (128 held out: the gate), two churn rates, one
# parallel loop, one perf-sampled run of the 512 burst, three timed runs per burst for the spread. The loop is fitted, not held
# out: the model misses parallel loops by structure (docs/calibration.md, issue 10), which would make the gate flap.
cli probe --out "$work/m" --serial-cycles 200 --bursts 32,128,512 --repeats 3 --memory-netns 60 --churn-rates 50,100 --loops 2 --perf-min-burst 500 --perf-runs 1 --held-out burst-128-veth &
probe_pid=$!
wait "$probe_pid"; rc=$?
probe_pid=
case $rc in
  0) ;;
  4) skip "the probe cannot run on this host (see its message above)" ;;
  *) fail "probe exited $rc" ;;
esac

left=$( (ls /run/netns 2>/dev/null | grep '^nnp-'; ip -o link 2>/dev/null | grep -o ' nnp[0-9a-f]*h[0-9]*' ) | wc -l)
[ "$left" -eq 0 ] || fail "the probe left $left namespaces or veth peers behind"

echo "== calibration: calibrate"
cli calibrate "$work/m" --out "$work/profile.json" --id host-ci --max-evaluations 40 --max-variation-evaluations 12 || fail "calibrate failed"

echo "== calibration: validate"
cli validate "$work/m" --profile "$work/profile.json" --max-held-out-rms "$MAX_HELD_OUT_RMS"; rc=$?
[ "$rc" -eq 0 ] || fail "held-out quantities off by more than RMS log error $MAX_HELD_OUT_RMS"
echo "calibration-ci: PASS (probe, calibrate, validate on $(uname -r), $(nproc) CPUs)"
