"""The probe's burst by hand, shared by scripts/trace-release.py and scripts/trace-cleanup-waits.py: N netns with a
veth pair each (the peer stays in the host), created with one `ip -batch`; a creation probe on a thread of its own
(unshare(CLONE_NEWNET) then setns back every 5 ms, as `netns-policy probe`); the release by unmounting every
/run/netns bind mount from one thread (umount2 MNT_DETACH); and the clean-up of whatever is left."""
import ctypes, os, subprocess, threading, time

CLONE_NEWNET = 0x40000000
MNT_DETACH = 2


def libc():
    lib = ctypes.CDLL('libc.so.6', use_errno=True)
    lib.unshare.argtypes = [ctypes.c_int]
    lib.setns.argtypes = [ctypes.c_int, ctypes.c_int]
    return lib


def create(out, names, veth, peer):
    """`ip -batch` of `netns add` and `link add <veth><i> type veth peer name <peer><i> netns <name>` per name."""
    batch = os.path.join(out, 'batch.tmp')
    with open(batch, 'w') as f:
        for i, name in enumerate(names):
            f.write(f'netns add {name}\nlink add {veth}{i} type veth peer name {peer}{i} netns {name}\n')
    subprocess.run(['ip', '-batch', batch], check=True)
    os.remove(batch)


def start_prober(lib, stop, created=None):
    """The creation probe until `stop` is set; each creation's (start, end) CLOCK_MONOTONIC ns appended to `created`."""
    def run():
        home = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
        while not stop.is_set():
            a = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
            lib.unshare(CLONE_NEWNET)
            b = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
            lib.setns(home, CLONE_NEWNET)
            if created is not None:
                created.append((a, b))
            time.sleep(0.005)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def release(lib, names):
    """Unmounts every bind mount in order; returns each umount's (start, end) CLOCK_MONOTONIC ns."""
    umounts = []
    for name in names:
        a = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        lib.umount2(f'/run/netns/{name}'.encode(), MNT_DETACH)
        umounts.append((a, time.clock_gettime_ns(time.CLOCK_MONOTONIC)))
    return umounts


def remove(lib, names):
    """Unmounts and unlinks whatever of the burst is left (also after an error)."""
    for name in names:
        try:
            lib.umount2(f'/run/netns/{name}'.encode(), MNT_DETACH)
            os.unlink(f'/run/netns/{name}')
        except OSError:
            pass
