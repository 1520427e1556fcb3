#!/usr/bin/env python3
"""Where cleanup_net's worker waits on the host kernel, per run (docs/calibration.md, "Where cleanup_net waits").

Runs a probe burst the way `netns-policy probe` does (a creation probe on a thread of its own, unshare(CLONE_NEWNET)
then setns back every 5 ms; N netns with a veth pair each, created with ip -batch, released 10 ms later by unmounting
every /run/netns bind mount from one thread) under `perf record -a` of sched_switch (with kernel call chains),
sched_waking and the workqueue's execute_start/end. Every cleanup_net run is then cut into its off-CPU intervals,
each named by where the worker slept: the first wait function of WAITS on its stack (synchronize_rcu_expedited,
synchronize_rcu, rcu_barrier, a mutex or rwsem, a sleep; "preempted" when it left the CPU runnable) and the
cleanup_net callee that called it (ops_undo_list, unregister_netdevice_many_notify, netdev_run_todo, cleanup_net
itself), split into blocked (until the wakeup) and runnable (waking to running). The runs that end before the
release are the probe's own (`probe_batch_ms_p50`); a run's burst netns are those unmounted by its start that no
earlier run took. The peers' departure is polled with if_nameindex (RTNETLINK), not sysfs: a sysfs reader takes
kernfs_rwsem beside the teardown's kernfs_remove and slows it (measured: 512 netns 356 ms instead of 276).

Needs root, ip(8), perf with kernel symbols. Usage: trace-cleanup-waits.py OUTDIR [N=512] [REPEATS=3]. Writes
OUTDIR/<k>/ per repetition (perf.data.script.gz, marks.txt, umounts.txt), OUTDIR/host.txt (the kernel release, which
validate matches against the probe session's) and OUTDIR/runs.tsv (one line per run of
every repetition: repeat, start and end from the release, phase, burst netns, each wait site's sleeps, blocked and
runnable ms), OUTDIR/summary.txt. `netns-policy validate` reads <session>/cleanup-waits/<experiment>/runs.tsv.
Cleans up its netns, also on error; a repetition already recorded is analysed again, not re-recorded.
"""
import collections, gzip, os, re, signal, socket, statistics, subprocess, sys, threading, time

import netns_burst

HEADER = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+([\w:]+):\s*(.*)$')
# Wait functions, innermost first: the first one found walking the stack outwards names the wait.
WAITS = ['synchronize_rcu_expedited', 'synchronize_rcu', 'rcu_barrier', 'netdev_wait_allrefs_any', 'msleep',
         'rtnl_lock', 'rtnl_lock_killable', 'mutex_lock', 'down_read', 'down_write', 'flush_work', 'wait_for_completion']
# cleanup_net's own callees, which name the call site.
SITES = ['ops_pre_exit_list', 'ops_exit_rtnl_list', 'ops_exit_list', 'ops_free_list', 'unregister_netdevice_many_notify',
         'netdev_run_todo', 'default_device_exit_batch', 'ops_undo_list', 'cleanup_net']


def frames(stack):
    out = []
    for line in stack:
        parts = line.split()
        if len(parts) >= 2:
            out.append(parts[1].split('+')[0])
    return out


def label(stack, state):
    fs = frames(stack)
    wait = next((w for w in WAITS if w in fs), None)
    if wait is None:
        wait = 'preempted' if state.startswith('R') else (fs[2] if len(fs) > 2 else '?')
    i = fs.index(wait) if wait in fs else 0
    site = next((f for f in fs[i + 1:] if f in SITES), '?')
    return f'{wait}@{site}'


def record(out, n):
    lib = netns_burst.libc()
    names = [f'npcw{i}' for i in range(n)]
    stop = threading.Event()
    data = os.path.join(out, 'perf.data')
    perf = subprocess.Popen(['perf', 'record', '-q', '-a', '-m', '4096', '-o', data, '-k', 'mono',
                             '-e', 'sched:sched_switch/call-graph=fp/', '-e', 'sched:sched_waking/call-graph=no/',
                             '-e', 'workqueue:workqueue_execute_start/call-graph=no/',
                             '-e', 'workqueue:workqueue_execute_end/call-graph=no/'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    marks = {}
    thread = None
    try:
        time.sleep(1.5)  # perf's start-up
        if perf.poll() is not None:
            raise SystemExit('perf record failed: ' + perf.stderr.read().decode(errors='replace'))
        thread = netns_burst.start_prober(lib, stop)
        time.sleep(0.5)
        marks['create'] = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        netns_burst.create(out, names, 'npcv', 'npcp')
        marks['hold'] = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        time.sleep(0.01)  # the probe's destroy_after_ms
        marks['release'] = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        umounts = netns_burst.release(lib, names)
        with open(os.path.join(out, 'umounts.txt'), 'w') as f:
            f.writelines(f'{b}\n' for _, b in umounts)
        marks['released'] = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        # if_nameindex is one RTNETLINK dump: polling sysfs would take kernfs_rwsem for read beside the kernfs_remove
        # calls of the teardown it measures.
        while any(name.startswith('npcv') for _, name in socket.if_nameindex()):
            time.sleep(0.005)
        marks['gone'] = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        # The peers go mid-run (netdev_unregister_kobject); the run's barriers and frees, and the probe's runs after
        # it, take about as long again.
        time.sleep(max(0.5, (marks['gone'] - marks['release']) / 1e9))
    finally:
        stop.set()
        if thread is not None:
            thread.join()
        perf.send_signal(signal.SIGINT)
        perf.wait()
        netns_burst.remove(lib, names)
    script = subprocess.run(['perf', 'script', '-i', data, '-F', 'comm,pid,cpu,time,event,trace,ip,sym'],
                            check=True, capture_output=True, text=True).stdout
    os.remove(data)
    with gzip.open(os.path.join(out, 'perf.data.script.gz'), 'wt') as f:
        f.write(script)
    with open(os.path.join(out, 'marks.txt'), 'w') as f:
        f.writelines(f'{k} {v}\n' for k, v in marks.items())


def events(out):
    with gzip.open(os.path.join(out, 'perf.data.script.gz'), 'rt') as f:
        cur = None
        for line in f:
            m = HEADER.match(line)
            if m:
                if cur:
                    yield cur
                cur = (int(round(float(m.group(4)) * 1e9)), int(m.group(2)), m.group(5).split(':')[-1], m.group(6), [])
            elif cur and line.strip():
                cur[4].append(line.strip())
        if cur:
            yield cur


def field(text, name):
    m = re.search(name + r'=(\S+)', text)
    return m.group(1) if m else None


def summed(waits):
    per = {}
    for lab, a, w, b in waits:
        c, blk, run = per.get(lab, (0, 0.0, 0.0))
        per[lab] = (c + 1, blk + (w - a) / 1e6, run + (b - w) / 1e6)
    return per


def parse(rep):
    """One repetition's cleanup_net runs: start, end, phase, burst netns taken, and the worker's sleeps."""
    marks = {k: int(v) for k, v in (line.split() for line in open(os.path.join(rep, 'marks.txt')))}
    runs, open_runs, off, waking = [], {}, {}, {}
    unpaired = 0
    for t, pid, ev, text, stack in events(rep):
        if pid in off and not (ev == 'sched_switch' and int(field(text, 'next_pid')) == pid):
            # The worker is running but its switch-in was not recorded (perf drops some events under load): the
            # interval ends at its wakeup if that was recorded, else at this event.
            t0, state, lab = off.pop(pid)
            woke = waking.pop(pid, t)
            unpaired += 1
            if pid in open_runs:
                open_runs[pid]['waits'].append((lab, t0, min(max(t0, woke), t), t))
        if ev == 'workqueue_execute_start' and 'cleanup_net' in text:
            open_runs[pid] = {'start': t, 'waits': []}
        elif ev == 'workqueue_execute_end' and pid in open_runs and 'cleanup_net' in text:
            r = open_runs.pop(pid)
            r['end'] = t
            runs.append(r)
        elif ev == 'sched_switch':
            prev, nxt = int(field(text, 'prev_pid')), int(field(text, 'next_pid'))
            if prev in open_runs:
                off[prev] = (t, field(text, 'prev_state'), label(stack, field(text, 'prev_state')))
                waking.pop(prev, None)
            if nxt in off:
                t0, state, lab = off.pop(nxt)
                woke = waking.pop(nxt, t)
                if nxt in open_runs:
                    open_runs[nxt]['waits'].append((lab, t0, max(t0, woke), t))
        elif ev == 'sched_waking':
            p = int(field(text, 'pid'))
            if p in off:
                waking[p] = t
    umounts = [int(u) for u in open(os.path.join(rep, 'umounts.txt'))]
    taken = 0
    rel = marks['release']
    for r in runs:
        # A burst netns's last reference goes with its umount (MNT_DETACH of its only bind mount): the run takes every
        # burst netns unmounted by its start that an earlier run did not take (an upper bound by one netns in flight).
        done = sum(1 for u in umounts if u <= r['start'])
        r['burst_nets'] = done - taken
        taken = done
        r['phase'] = 'probe-only' if r['end'] <= rel and r['start'] >= marks['create'] else ('burst' if r['end'] > rel else 'before')
    return runs, marks, unpaired


def analyse(out, reps):
    parsed = [(k, *parse(os.path.join(out, str(k)))) for k in range(reps)]
    phases = collections.defaultdict(list)
    lines = []
    with open(os.path.join(out, 'runs.tsv'), 'w') as f:
        f.write('repeat\tstart_ms\tend_ms\tphase\tburst_nets\twaits (label:sleeps:blocked_ms:runnable_ms, summed over the run; times from the release)\n')
        for k, runs, marks, unpaired in parsed:
            rel = marks['release']
            lines.append(f"repeat {k}: create phase {(marks['hold'] - marks['create']) / 1e6:.0f} ms, release "
                         f"{(marks['released'] - rel) / 1e6:.1f} ms, peers gone {(marks['gone'] - rel) / 1e6:.1f} ms after the "
                         f"release started; {unpaired} sleeps of a worker ended by its next event (its switch-in not recorded)")
            for r in runs:
                r['rel'] = rel
                r['summed'] = summed(r['waits'])
                r['oncpu'] = ((r['end'] - r['start']) - sum(b - a for _, a, _, b in r['waits'])) / 1e6
                phases[r['phase']].append(r)
                f.write(f"{k}\t{(r['start'] - rel) / 1e6:.3f}\t{(r['end'] - rel) / 1e6:.3f}\t{r['phase']}\t{r['burst_nets']}\t" +
                        ' '.join(f'{lab}:{c}:{blk:.3f}:{run:.3f}' for lab, (c, blk, run) in r['summed'].items()) + '\n')
    for phase in ('probe-only', 'burst'):
        rs = phases.get(phase, [])
        if not rs:
            continue
        durs = sorted((r['end'] - r['start']) / 1e6 for r in rs)
        lines.append(f'{phase}: {len(rs)} runs, duration median {statistics.median(durs):.2f} ms '
                     f'(p10 {durs[len(durs) // 10]:.2f}, p90 {durs[(len(durs) * 9) // 10]:.2f})')
        per = collections.defaultdict(list)
        for r in rs:
            for lab, s in r['summed'].items():
                per[lab].append(s)
        lines.append(f"  on CPU per run: median {statistics.median(r['oncpu'] for r in rs):.2f} ms")
        for lab, ss in sorted(per.items(), key=lambda kv: -sum(s[1] + s[2] for s in kv[1])):
            blocked = sorted(s[1] for s in ss)
            runnable = sorted(s[2] for s in ss)
            lines.append(f'  {lab}: in {len(ss)} of {len(rs)} runs, {statistics.mean(s[0] for s in ss):.1f} sleeps per run; '
                         f'blocked median {statistics.median(blocked):.2f} ms per run (p90 {blocked[(len(blocked) * 9) // 10]:.2f}), '
                         f'runnable median {statistics.median(runnable):.2f} ms')
    lines.append('burst runs (burst netns taken, duration, on CPU, the longest waits):')
    for r in phases.get('burst', []):
        if r['burst_nets'] == 0:
            continue
        top = sorted(((lab, blk + run) for lab, (_, blk, run) in r['summed'].items()), key=lambda kv: -kv[1])[:4]
        lines.append(f"  {r['burst_nets']} netns, {(r['start'] - r['rel']) / 1e6:.1f} -> {(r['end'] - r['rel']) / 1e6:.1f} ms: "
                     f"{(r['end'] - r['start']) / 1e6:.1f} ms, on CPU {r['oncpu']:.1f}; " + ', '.join(f'{k} {v:.1f}' for k, v in top))
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(out, 'summary.txt'), 'w') as f:
        f.write(text)
    print(text, end='')


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 512
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.makedirs(out, exist_ok=True)
    # The kernel build the runs were traced on: validate compares them only with a probe session of the same build.
    release = os.uname().release
    host = os.path.join(out, 'host.txt')
    if os.path.exists(host) and open(host).read().split()[1] != release:
        raise SystemExit(f'{out} holds runs traced on Linux {open(host).read().split()[1]}, this host runs {release}: trace into another folder')
    with open(host, 'w') as f:
        f.write(f'kernel_release {release}\nonline_cpus {os.cpu_count()}\n')
    for k in range(reps):
        rep = os.path.join(out, str(k))
        os.makedirs(rep, exist_ok=True)
        if not os.path.exists(os.path.join(rep, 'perf.data.script.gz')):
            record(rep, n)
    analyse(out, reps)


if __name__ == '__main__':
    main()
