#!/usr/bin/env python3
"""Times synchronize_rcu() from user space: membarrier(MEMBARRIER_CMD_GLOBAL) is one synchronize_rcu() on a machine
with more than one online CPU (kernel/sched/membarrier.c). The probe takes the idle figure itself
(src/Calibration/GracePeriodProbe.cs, host.sync_rcu_idle_ms); with --churn it runs beside a netns created and
released every 5 ms (unshare -n true), as the burst probe's load (docs/calibration.md, thirteenth round).

  scripts/sync-rcu.py [N] [--churn]      N calls 3 ms apart (300); prints p10 / p50 / p90 / mean in ms
"""
import ctypes
import platform
import statistics
import subprocess
import sys
import time

NR = {"x86_64": 324, "aarch64": 283, "riscv64": 283}.get(platform.machine())
if NR is None:
    sys.exit(f"membarrier's system call number is not known on {platform.machine()}")
libc = ctypes.CDLL(None, use_errno=True)
if libc.syscall(NR, 0, 0, 0) & 1 == 0:
    sys.exit("membarrier has no MEMBARRIER_CMD_GLOBAL here (nohz_full?)")

args = [a for a in sys.argv[1:] if not a.startswith("--")]
n = int(args[0]) if args else 300
churn = None
if "--churn" in sys.argv:
    churn = subprocess.Popen(["bash", "-c", "while :; do unshare -n true; sleep 0.005; done"])
    time.sleep(1)
try:
    d = []
    for _ in range(n):
        t = time.perf_counter_ns()
        if libc.syscall(NR, 1, 0, 0) != 0:
            sys.exit(f"membarrier(MEMBARRIER_CMD_GLOBAL) failed: errno {ctypes.get_errno()}")
        d.append((time.perf_counter_ns() - t) / 1e6)
        time.sleep(0.003)
finally:
    if churn is not None:
        churn.terminate()
        churn.wait()
q = statistics.quantiles(d, n=10)
print(f"{len(d)} synchronize_rcu{' beside a netns churn every 5 ms' if churn else ''}: p10 {q[0]:.2f} ms, p50 {statistics.median(d):.2f}, p90 {q[8]:.2f}, mean {statistics.mean(d):.2f}")
