using System.Collections.Concurrent;

namespace NetnsPolicy.Calibration;

/// <summary>
/// A dedicated OS thread that creates network namespaces with unshare(CLONE_NEWNET) and returns to the host netns with
/// setns. Namespaces belong to threads, so the rest of the process never leaves the host netns.
/// </summary>
internal sealed class NetnsThread : IDisposable
{
    private const int ORdOnly = 0;
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;
    private int _hostFd = -1;
    private ThreadClock? _clock;

    public NetnsThread(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
        Invoke(() =>
        {
            _hostFd = Native.open("/proc/thread-self/ns/net", ORdOnly);
            Native.Check(_hostFd, "open /proc/thread-self/ns/net");
            _clock = new ThreadClock();
        });
    }

    /// <summary>
    /// Creates a netns, returns to the host netns and so releases it (copy_net_ns then __put_net). Returns the
    /// creation (the unshare) and the whole cycle on this thread (unshare and setns), each with its CPU time and
    /// run-queue wait.
    /// </summary>
    public (Stretch Creation, Stretch Action) CreateAndRelease() => PauseThenCreateAndRelease(0);

    /// <summary>
    /// As <see cref="CreateAndRelease"/>, after sleeping <paramref name="pauseMs"/> on this thread (0: none), so that the
    /// pause before the creation is the sleep alone, with no hand-off between threads in it.
    /// </summary>
    public (Stretch Creation, Stretch Action) PauseThenCreateAndRelease(double pauseMs) => Invoke(() =>
    {
        if (pauseMs > 0)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(pauseMs));
        }

        var t0 = _clock!.Read();
        Native.Check(Native.unshare(Native.CloneNewNet), "unshare(CLONE_NEWNET)");
        var t1 = _clock.Read();
        Native.Check(Native.setns(_hostFd, Native.CloneNewNet), "setns(host netns)");
        return (t0.To(t1), t0.To(_clock.Read()));
    });

    /// <summary>Creates a netns and keeps it alive through an open nsfs file descriptor; the caller closes it to release.</summary>
    public int CreateAndHold() => CreateAndHoldTimed().Fd;

    /// <summary>As <see cref="CreateAndHold"/>, also returning the creation (the unshare) with its CPU time and run-queue wait.</summary>
    public (int Fd, Stretch Creation) CreateAndHoldTimed() => Invoke(() =>
    {
        var t0 = _clock!.Read();
        Native.Check(Native.unshare(Native.CloneNewNet), "unshare(CLONE_NEWNET)");
        var creation = t0.To(_clock.Read());
        var fd = Native.open("/proc/thread-self/ns/net", ORdOnly);
        var err = fd < 0 ? "open /proc/thread-self/ns/net" : null;
        Native.Check(Native.setns(_hostFd, Native.CloneNewNet), "setns(host netns)");
        Native.Check(fd, err ?? "");
        return (fd, creation);
    });

    public T Invoke<T>(Func<T> f)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(f());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    private void Invoke(Action a) => Invoke(() =>
    {
        a();
        return 0;
    });

    private void Loop()
    {
        foreach (var a in _work.GetConsumingEnumerable())
        {
            a();
        }
    }

    public void Dispose()
    {
        if (_hostFd >= 0)
        {
            Invoke(() =>
            {
                _clock?.Dispose();
                return Native.close(_hostFd);
            });
            _hostFd = -1;
        }

        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
