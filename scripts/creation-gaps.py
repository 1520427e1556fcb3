#!/usr/bin/env python3
"""A creation after a pause runs cold (docs/calibration.md, "A creation after a pause runs cold"): by hand, beside the
probe's gap-Pms experiments, the checks that tell the host's caches from the kernel's state.

Three runs on one thread, each pause's creations shuffled together (seed 1): unshare(CLONE_NEWNET) timed (CPU time of
the thread and wall time) after sleeping P ms, then setns back (releases the netns); the same with every netns held
open until the end (no teardown runs in the pauses); and a 20 ms pause slept against one spent spinning in user space.
Needs root. Usage: creation-gaps.py [N=120]. Prints medians per pause; leaves no netns behind.
"""
import ctypes, os, random, statistics, sys, time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, f'{what}: {os.strerror(e)}')


def create(host, hold):
    t0, w0 = time.thread_time_ns(), time.perf_counter_ns()
    check(libc.unshare(CLONE_NEWNET), 'unshare(CLONE_NEWNET)')
    t1, w1 = time.thread_time_ns(), time.perf_counter_ns()
    fd = os.open('/proc/thread-self/ns/net', os.O_RDONLY) if hold else None
    check(libc.setns(host, CLONE_NEWNET), 'setns(host netns)')
    return (w1 - w0) / 1e6, (t1 - t0) / 1e6, fd


def pause(kind, ms):
    if kind == 'sleep' and ms > 0:
        time.sleep(ms / 1000)
    elif kind == 'spin':
        end = time.perf_counter() + ms / 1000
        x = 0
        while time.perf_counter() < end:
            x += 1


def run(title, cases, n, hold, host):
    order = [c for c in cases for _ in range(n)]
    random.Random(1).shuffle(order)
    res = {c: [] for c in cases}
    held = []
    try:
        create(host, False)  # one untimed creation first
        for c in order:
            pause(*c)
            wall, cpu, fd = create(host, hold)
            if fd is not None:
                held.append(fd)
            res[c].append((wall, cpu))
    finally:
        for fd in held:
            os.close(fd)
    print(title)
    for c in cases:
        print(f'  {c[0]:5s} {c[1]:5.1f} ms: creation wall p50 {statistics.median(w for w, _ in res[c]):.3f} ms, CPU p50 {statistics.median(u for _, u in res[c]):.3f} ms (n={len(res[c])})')


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    host = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    pauses = [0, 1, 5, 20, 50]
    run('pause slept, each netns released at once:', [('sleep', p) for p in pauses], n, False, host)
    time.sleep(3)
    run('pause slept, every netns held until the end:', [('sleep', p) for p in (0, 5, 20, 50)], min(n, 100), True, host)
    time.sleep(3)
    run('20 ms slept or spent spinning in user space:', [('sleep', 20), ('spin', 20)], n, False, host)


if __name__ == '__main__':
    main()
