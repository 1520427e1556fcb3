#!/usr/bin/env python3
"""Traces one veth burst's release on the host kernel (docs/calibration.md, twelfth round).

Creates N netns, each with a veth pair whose peer stays in the host (ip -batch, as `netns-policy probe` does), keeps
a creation probe running on a thread of its own (unshare(CLONE_NEWNET) then setns back, every 5 ms), and releases
the burst by unmounting every /run/netns bind mount from one thread (umount2 MNT_DETACH), timing each umount with
CLOCK_MONOTONIC. Meanwhile a tracefs instance of its own records sched_switch / sched_waking / sched_wakeup, the
smp-call-function handlers (csd_function_entry/exit: rcu_exp_handler on each CPU the expedited grace period
interrupts) and cleanup_net's work items, on the mono clock. Then it reports: the umounts that took over 1 ms, the
expedited IPIs that hit the cleanup_net worker and how many left need-resched set (the handler could not report the
CPU's quiescent state), and in which context the worker's CPU finally reported (hard interrupt: the tick).

Needs root, ip(8), tracefs. Usage: trace-release.py OUTDIR [N=2000]. Writes OUTDIR/trace.txt.gz, umounts.txt,
summary.txt. Cleans up its netns, also on error.
"""
import collections, gzip, os, re, shutil, statistics, subprocess, sys, threading, time

import netns_burst

EVENTS = ['sched/sched_switch', 'sched/sched_waking', 'sched/sched_wakeup', 'csd/csd_function_entry',
          'csd/csd_function_exit', 'workqueue/workqueue_execute_start', 'workqueue/workqueue_execute_end']
LINE = re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+(\d+\.\d+): (\w+): (.*)$')


def tracefs():
    for d in ('/sys/kernel/tracing', '/sys/kernel/debug/tracing'):
        if os.path.isdir(os.path.join(d, 'instances')):
            return d
    os.makedirs('/sys/kernel/tracing', exist_ok=True)
    subprocess.run(['mount', '-t', 'tracefs', 'nodev', '/sys/kernel/tracing'], check=True)
    return '/sys/kernel/tracing'


def write(path, value):
    with open(path, 'w') as f:
        f.write(value)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    os.makedirs(out, exist_ok=True)
    lib = netns_burst.libc()
    inst = os.path.join(tracefs(), 'instances', 'netns-policy-release')
    names = [f'nprel{i}' for i in range(n)]
    stop = threading.Event()
    created = []
    thread = None
    try:
        netns_burst.create(out, names, 'nprv', 'nprp')
        thread = netns_burst.start_prober(lib, stop, created)
        os.makedirs(inst, exist_ok=True)
        write(inst + '/tracing_on', '0')
        write(inst + '/trace', '')
        write(inst + '/buffer_size_kb', '65536')
        write(inst + '/trace_clock', 'mono')
        for e in EVENTS:
            write(f'{inst}/events/{e}/enable', '1')
        write(inst + '/tracing_on', '1')
        time.sleep(0.7)
        umounts = netns_burst.release(lib, names)
        while any(x.startswith('nprv') for x in os.listdir('/sys/class/net')):
            time.sleep(0.005)
        gone = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        time.sleep(0.1)
        stop.set()
        thread.join()
        write(inst + '/tracing_on', '0')
        with open(inst + '/trace') as src, gzip.open(os.path.join(out, 'trace.txt.gz'), 'wt') as dst:
            shutil.copyfileobj(src, dst)
    finally:
        stop.set()
        if thread is not None:
            thread.join()
        if os.path.isdir(inst):
            for e in EVENTS:
                write(f'{inst}/events/{e}/enable', '0')
            write(inst + '/trace', '')
        netns_burst.remove(lib, names)
    with open(os.path.join(out, 'umounts.txt'), 'w') as f:
        f.writelines(f'{a} {b}\n' for a, b in umounts)
    summary = analyse(out, umounts, created, gone)
    with open(os.path.join(out, 'summary.txt'), 'w') as f:
        f.write(summary)
    print(summary, end='')


def analyse(out, umounts, created, gone):
    events = []
    with gzip.open(os.path.join(out, 'trace.txt.gz'), 'rt') as f:
        for line in f:
            m = LINE.match(line)
            if m:
                events.append((int(round(float(m.group(5)) * 1e9)), int(m.group(3)), m.group(1), m.group(4), m.group(6), m.group(7)))
    release = umounts[0][0]
    stalls = [(b - a) / 1e6 for a, b in umounts if b - a > 1_000_000]
    handler = [e for e in events if e[4] == 'csd_function_exit' and 'rcu_exp_handler' in e[5] and e[2].startswith('kworker')]
    wakes = [e for e in events if e[4] == 'sched_waking' and 'rcu_exp_gp_kthr' in e[5] and e[2].startswith('kworker')]
    ctx = collections.Counter('hardirq' if ('h' in e[3] or 'H' in e[3]) else 'task' for e in wakes)
    us = sorted((b - a) / 1e3 for a, b in umounts)
    cs = sorted((b - a) / 1e6 for a, b in created)
    lines = [
        f'release of {len(umounts)} netns: {(umounts[-1][1] - release) / 1e6:.1f} ms; last host-side peer gone {(gone - release) / 1e6:.1f} ms after its start',
        f'umount median {us[len(us) // 2]:.1f} us; {len(stalls)} over 1 ms' + (f' (median {statistics.median(stalls):.2f} ms, mean {statistics.mean(stalls):.2f}, total {sum(stalls):.0f} ms)' if stalls else ''),
        f'creation probe: {len(cs)} creations, median {cs[len(cs) // 2]:.3f} ms' if cs else 'creation probe: none',
        f'rcu_exp_handler on a kworker: {len(handler)}, of which {sum(1 for e in handler if "N" in e[3])} left need-resched set (state deferred)',
        f'a kworker waking the expedited GP kthread (its CPU reporting a deferred state): {dict(ctx)}',
    ]
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    main()
