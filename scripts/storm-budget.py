#!/usr/bin/env python3
"""How fast the service stops the runaway workloads of issue 13, and what they cost an innocent run.

    scripts/storm-budget.py [--mode admission|budget|both] [--repeats N]

Starts the standalone service (src/Service, Release build) on free loopback ports with a temporary store, once per
mode:
  admission  the default configuration: the storms are refused before anything runs (RESOURCE_EXHAUSTED / HTTP 429);
  budget     admission limits raised so that only the work budgets (SimulationEventBudget and SimulationDeviceBudget,
             their defaults from ServiceOptions) stop them.
For each storm (an RTNL storm whose simulated time barely advances, a probe every 0.01 ms for 10^9 ms, 10 000
namespaces x 320 devices) it submits the storm, then at once an innocent 20-namespace run, and prints the storm's
wall time from submit to its final state, and the innocent run's time from submit to finish (server timestamps)
against the same run submitted alone. Medians over --repeats (default 3).
"""
import argparse, json, os, socket, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLL = os.path.join(ROOT, "src/Service/bin/Release/net10.0/NetnsPolicy.Service.dll")
MACHINE = {"cpus": 2, "hz": 1000, "kernel_profile": "v4.9"}
BURST = {"count": 10, "create_parallelism": 2, "destroy_after_ms": 5}
STORMS = {
    "rtnl-storm": {"format_version": 1, "name": "rtnl-storm", "machine": MACHINE, "burst": BURST,
                   "rtnl_users": {"count": 1024, "mean_interval_ms": 0.000001, "hold_us": 0},
                   "stop": {"mode": "drain", "max_simulated_seconds": 3600}},
    "probe-storm": {"format_version": 1, "name": "probe-storm", "machine": MACHINE, "burst": BURST,
                    "probe": {"interval_ms": 0.01},
                    "stop": {"mode": "duration", "duration_ms": 1000000000, "max_simulated_seconds": 1000000}},
    "device-bomb": {"format_version": 1, "name": "device-bomb", "machine": MACHINE, "burst": BURST,
                    "initial_population": {"count": 10000, "devices": {"veth_pairs": 160}},
                    "stop": {"mode": "drain", "max_simulated_seconds": 3600}},
}
INNOCENT = {"format_version": 1, "name": "innocent", "machine": MACHINE,
            "burst": {"count": 20, "create_parallelism": 2, "destroy_after_ms": 5},
            "stop": {"mode": "drain", "max_simulated_seconds": 3600}}
RAISED = {"MaxNamespacesPerWorkload": "20000", "MaxDevicesPerWorkload": str(2**63 - 1), "MaxProbesPerWorkload": str(2**63 - 1),
          "MaxRtnlUsers": "1024", "MaxRtnlAttemptsPerSecond": "1e300"}
FINAL = {"RUN_STATE_SUCCEEDED", "RUN_STATE_FAILED", "RUN_STATE_CANCELLED", "RUN_STATE_DEADLINE_EXCEEDED", "RUN_STATE_INTERRUPTED"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, body=None):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


_seeds = iter(range(1000, 10**9))


def submit(base, workload):
    if workload is INNOCENT:
        # A fresh seed each time: a result already in the store would be served without simulating.
        workload = dict(workload, seed=next(_seeds))
    return call(base + "/v1/runs", {"workload": {"json": json.dumps(workload)}, "policy": "upstream"})


def wait(base, run_id):
    while True:
        _, run = call(f"{base}/v1/runs/{run_id}")
        if run.get("state") in FINAL:
            return run
        time.sleep(0.005)


def seconds(ts):
    # RFC 3339 with nanoseconds, e.g. 2026-12-01T18:00:00.123456789Z
    from datetime import datetime, timezone
    date, frac = (ts.rstrip("Z").split(".") + ["0"])[:2]
    return datetime.strptime(date, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp() + float("0." + frac)


def run_span(run):
    return seconds(run["finishedAt"]) - seconds(run["createdAt"])


def detail(run):
    sims = run.get("simulations") or []
    return (sims[0].get("status", "") if sims else "") or run.get("statusDetail", "")


def measure(mode, repeats):
    tmp = tempfile.mkdtemp()
    grpc, web = free_port(), free_port()
    env = dict(os.environ, NetnsPolicy__GrpcPort=str(grpc), NetnsPolicy__WebPort=str(web),
               NetnsPolicy__DatabasePath=os.path.join(tmp, "store.db"), NetnsPolicy__WatchPlugins="false",
               NetnsPolicy__MaxConcurrentSimulations="2", Logging__LogLevel__Default="Warning")
    if mode == "budget":
        env.update({"NetnsPolicy__" + k: v for k, v in RAISED.items()})
    proc = subprocess.Popen(["dotnet", DLL], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{web}"
    try:
        for _ in range(300):
            try:
                if call(base + "/v1/kernel-profiles")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        alone = []
        for _ in range(repeats + 1):  # the first pays the JIT
            _, r = submit(base, INNOCENT)
            alone.append(run_span(wait(base, r["id"])))
        alone = statistics.median(alone[1:])
        for name, workload in STORMS.items():
            storm_s, innocent_s, what = [], [], ""
            for _ in range(repeats):
                t0 = time.monotonic()
                code, storm = submit(base, workload)
                _, innocent = submit(base, INNOCENT)
                if code != 200:
                    storm_s.append(time.monotonic() - t0)
                    what = f"refused, HTTP {code}: {storm.get('message', storm)}"[:160]
                else:
                    final = wait(base, storm["id"])
                    storm_s.append(time.monotonic() - t0)
                    what = detail(final)[:160]
                innocent_s.append(run_span(wait(base, innocent["id"])))
            i = statistics.median(innocent_s)
            print(f"{mode:9} {name:12} storm {statistics.median(storm_s):6.3f} s (max {max(storm_s):.3f}) | innocent "
                  f"{i:5.3f} s vs {alone:5.3f} s alone ({i / alone:.2f}x) | {what}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", tmp], check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["admission", "budget", "both"], default="both")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    if not os.path.exists(DLL):
        sys.exit(f"error: {DLL} missing: build first (dotnet build NetnsPolicy.sln -c Release)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for mode in (["admission", "budget"] if a.mode == "both" else [a.mode]):
        measure(mode, a.repeats)


if __name__ == "__main__":
    main()
