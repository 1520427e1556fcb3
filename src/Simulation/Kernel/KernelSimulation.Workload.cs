using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The workload's actors: processes creating and releasing namespaces, the probe, host RTNL users.</summary>
internal sealed partial class KernelSimulation
{
    private RandomStream? _listenerRandom;
    private int _generatorsActive;
    private bool _workloadDone;
    private bool _probeBusy;
    private string _stopReason = "";
    private long _expectedNets;
    private long _burstRelease = -1;
    private long _burstReleaseDone = -1;
    private int _burstCount;
    private long _baselineMemory;
    private int _baselineCharged;
    private long _loopsLeft;
    private long _loopsDone = -1;
    private long _churnLeft;
    private long _churnDone = -1;

    private static long Ms(double ms) => (long)Math.Round(ms * 1e6);

    private static double? Seconds(long ns) => ns >= 0 ? ns / 1e9 : null;

    private GeneratorMetrics GeneratorTimes() => new()
    {
        LoopsDoneSeconds = Seconds(_loopsDone),
        ChurnDoneSeconds = Seconds(_churnDone),
        BurstReleasedSeconds = Seconds(_burstRelease),
        BurstReleaseSeconds = _burstReleaseDone >= 0 ? (_burstReleaseDone - _burstRelease) / 1e9 : null,
    };

    private void ChurnFinished()
    {
        if (--_churnLeft == 0)
        {
            _churnDone = _s.Now;
        }
    }

    /// <summary>Namespaces alive at t=0 (never released): they count for N, nsids, memory and ucounts.</summary>
    private void BuildInitialPopulation()
    {
        if (_workload.InitialPopulation is not { Count: > 0 } pop)
        {
            return;
        }

        for (var i = 0; i < pop.Count; i++)
        {
            var net = _accounting.NewNet(_setup.PerNetBytes);
            net.State = NetState.Alive;
            net.HasUeventSocket = true;
            _accounting.Charged++;
            _accounting.Allocated++;
            _nsid.ListedNets++;
            _uevents.Sockets++;
            _accounting.AddInitialMemory(net.MemoryBytes);
            _s.ChargeDevices(1 + (2 * pop.Devices.VethPairs));
            net.Devices.Add(new NetDevice(_loopbackType, DeviceKind.Loopback, net, "lo"));
            for (var v = 0; v < pop.Devices.VethPairs; v++)
            {
                var inner = new NetDevice(_vethType, DeviceKind.Veth, net, "veth" + v);
                inner.Peer = new NetDevice(_vethType, DeviceKind.Veth, _k.InitNet, $"veth{net.Id}_{v}") { Peer = inner };
                net.Devices.Add(inner);
                _accounting.AddInitialMemory(2 * _vethType.Bytes);
                net.HostHasNsid = true;
            }

            if (net.HostHasNsid)
            {
                _nsid.HostNsids++;
            }

            _accounting.AddLive(net);
        }

        _baselineMemory = _accounting.Memory;
        _baselineCharged = _accounting.Charged;
        _accounting.PeakMemory = _accounting.Memory;
    }

    private void StartWorkload()
    {
        var w = _workload;
        if (w.Burst is { } burst)
        {
            _expectedNets += burst.Count;
            _generatorsActive++;
            _s.Spawn("burst", F.ProcessRoot, Burst(burst));
        }

        if (w.Loops is { } loops)
        {
            _expectedNets += (long)loops.Count * loops.Cycles;
            _loopsLeft = loops.Count;
            for (var i = 0; i < loops.Count; i++)
            {
                _generatorsActive++;
                _s.Spawn("loop" + i, F.ProcessRoot, Loop(loops, i));
            }
        }

        if (w.Churn is { } churn)
        {
            _expectedNets += (long)(churn.ArrivalsPerSecond * churn.DurationMs / 1000);
            _generatorsActive++;
            _churnLeft = 1;
            _s.Spawn("churn", F.ProcessRoot, ChurnArrivals(churn));
        }

        if (w.Probe is { } probe)
        {
            // A probe with an end is part of the workload; an open-ended one stops when the rest is done.
            if (probe.StopMs > 0)
            {
                _generatorsActive++;
            }

            _s.Spawn("probe", F.ProcessRoot, Probe(probe));
        }

        if (w.RtnlUsers is { Count: > 0 } users)
        {
            for (var i = 0; i < users.Count; i++)
            {
                _s.Spawn("rtnl-user" + i, F.RtnlUserRoot, RtnlUser(users, _k.Stream(StreamIds.RtnlUsers + (ulong)i)));
            }
        }
    }

    /// <summary>Create N namespaces (with <c>create_parallelism</c> creators), then release them all at once.</summary>
    private IEnumerable<Step> Burst(BurstSpec burst)
    {
        var created = new ValueList<Net>(burst.Count);
        var creatorsLeft = burst.CreateParallelism;
        var done = new WaitQueue(_s);
        for (var p = 0; p < burst.CreateParallelism; p++)
        {
            var share = (burst.Count / burst.CreateParallelism) + (p < burst.Count % burst.CreateParallelism ? 1 : 0);
            _s.Spawn("burst-creator" + p, F.ProcessRoot, BurstCreator(share, burst.Devices, created, () =>
            {
                creatorsLeft--;
                done.WakeAll();
            }));
        }

        while (creatorsLeft > 0)
        {
            yield return Step.Wait(done);
        }

        // The profile's window opens profile_before_release_ms before the release (a perf recording started then).
        var before = Math.Min(Ms(burst.ProfileBeforeReleaseMs), Ms(burst.DestroyAfterMs));
        yield return Step.Sleep(Ms(burst.DestroyAfterMs) - before);
        _profiler.WindowStart = _s.Now;
        if (before > 0)
        {
            yield return Step.Sleep(before);
        }

        // "Destroyed at once": every owner exits now; each exit drops the last reference.
        _burstRelease = _s.Now;
        _cleanup.BurstNetsLeft = created.Count;
        _burstCount = created.Count;
        if (burst.ProfileAfterPeersGoneMs is { } after)
        {
            var peers = 0;
            foreach (var net in created)
            {
                for (var i = 0; i < net.Devices.Count; i++)
                {
                    if (net.Devices[i].Peer is { } peer && peer.Owner == _k.InitNet)
                    {
                        peers++;
                    }
                }
            }

            _devices.BurstHostPeersLeft = peers;
            _devices.ProfileAfterPeersGoneNs = _devices.BurstHostPeersLeft > 0 ? Ms(after) : -1;
        }

        var umount = burst.Release == "umount";
        foreach (var net in created)
        {
            net.FromBurst = true;
            if (umount)
            {
                // umount2(MNT_DETACH) of the netns's /run/netns bind mount: do_umount → namespace_unlock() waits in
                // synchronize_rcu_expedited() before the mntput of the unmounted mount (fs/namespace.c; 6.18 has no
                // deferred variant: no defer_free_mounts in this host's kallsyms), whose final dput of the nsfs dentry
                // drops the netns reference (nsfs_evict → put_net). One thread, so the releases are spread out by
                // grace periods and the netns reach cleanup_list over that time, not at one instant.
                yield return Step.Call(F.NamespaceUnlock, _netRcu.Wait(Step.SyncRcuExpedited()));
            }

            yield return Step.Call(F.PutNet, _cleanup.PutNet(net));
        }

        _burstReleaseDone = _s.Now;
        _generatorsActive--;
    }

    private IEnumerable<Step> BurstCreator(int count, DeviceMix devices, ValueList<Net> created, Action finished)
    {
        for (var i = 0; i < count; i++)
        {
            if (_k.CondReschedSteps)
            {
                // Back in user mode between its netlink requests (exit_to_user_mode_loop), as in Loop.
                yield return Step.CondResched();
            }

            var c = new Creation(measured: false);
            yield return Step.Call(F.CopyNetNs, _setup.CopyNetNs(c));
            if (c.Net is { } net)
            {
                yield return Step.Call(F.ProcessRoot, AddDevices(net, devices));
                created.Add(net);
            }
        }

        finished();
    }

    /// <summary>One of k loops of serial create-then-destroy cycles (<c>unshare -n /bin/true</c>).</summary>
    private IEnumerable<Step> Loop(LoopsSpec loops, int index)
    {
        var gaps = loops.GapQuantilesMs is { } q ? (Quantiles: q, Stream: _k.Stream(StreamIds.LoopGaps + (ulong)index)) : default;
        for (var i = 0; i < loops.Cycles; i++)
        {
            if (gaps.Quantiles is not null)
            {
                // The cycle's time outside the kernel (a measured input, as churn's arrivals): the probe's loop hands
                // each cycle to another thread and waits for it; that time is slept or spent waiting for a CPU, so it
                // is modelled as a sleep that leaves the CPUs to the others.
                yield return Step.Sleep(Ms(Quantile(gaps.Quantiles, gaps.Stream.NextDouble())));
            }

            if (_k.CondReschedSteps)
            {
                // The return to user mode between syscalls checks need_resched (kernel/entry/common.c
                // exit_to_user_mode_loop): a scheduling point even on a non-preemptible kernel.
                yield return Step.CondResched();
            }

            yield return Step.Run(F.ProcessRoot, _k.Cpu(_profile.Costs.ProcessOverheadNs));
            var c = new Creation(measured: true);
            yield return Step.Call(F.CopyNetNs, _setup.CopyNetNs(c));
            if (c.Net is not { } net)
            {
                continue;
            }

            yield return Step.Call(F.ProcessRoot, AddDevices(net, loops.Devices));
            if (loops.LifetimeMs > 0)
            {
                yield return Step.Sleep(Ms(loops.LifetimeMs));
            }

            yield return Step.Call(F.PutNet, _cleanup.PutNet(net));
        }

        if (--_loopsLeft == 0)
        {
            _loopsDone = _s.Now;
        }

        _generatorsActive--;
    }

    /// <summary>Poisson arrivals for <c>duration_ms</c>, each a process with its own namespace (vsftpd).</summary>
    private IEnumerable<Step> ChurnArrivals(ChurnSpec churn)
    {
        var arrivals = _k.Stream(StreamIds.ChurnArrivals);
        var lifetimes = _k.Stream(StreamIds.ChurnLifetimes);
        var end = Ms(churn.DurationMs);
        var meanGapNs = 1e9 / churn.ArrivalsPerSecond;
        var n = 0;
        while (true)
        {
            var gap = (long)arrivals.NextExponential(meanGapNs);
            if (_s.Now + gap >= end)
            {
                break;
            }

            yield return Step.Sleep(gap);
            _generatorsActive++;
            _churnLeft++;
            _s.Spawn("conn", n++, F.ProcessRoot, ChurnProcess(churn, Lifetime(churn.Lifetime, lifetimes)));
        }

        ChurnFinished();
        _generatorsActive--;
    }

    /// <summary>The value at fraction <paramref name="u"/> of evenly spaced quantiles, linear between neighbours.</summary>
    private static double Quantile(IReadOnlyList<double> q, double u)
    {
        var x = u * (q.Count - 1);
        var i = Math.Min((int)x, q.Count - 2);
        return q[i] + ((x - i) * (q[i + 1] - q[i]));
    }

    private static long Lifetime(LifetimeSpec l, RandomStream r)
    {
        var ms = l.Distribution switch
        {
            "fixed" => l.MeanMs,
            "uniform" => l.MeanMs - l.Spread + (2 * l.Spread * r.NextDouble()),
            "lognormal" => l.MeanMs * Math.Exp((l.Spread * r.NextNormal()) - (l.Spread * l.Spread / 2)),
            _ => r.NextExponential(l.MeanMs),
        };
        return Ms(Math.Max(0, ms));
    }

    private IEnumerable<Step> ChurnProcess(ChurnSpec churn, long lifetime)
    {
        yield return Step.Run(F.ProcessRoot, _k.Cpu(_profile.Costs.ProcessOverheadNs));
        var c = new Creation(measured: true);
        yield return Step.Call(F.CopyNetNs, _setup.CopyNetNs(c));
        if (c.Net is { } net)
        {
            yield return Step.Call(F.ProcessRoot, AddDevices(net, churn.Devices));
            yield return Step.Sleep(lifetime);
            yield return Step.Call(F.PutNet, _cleanup.PutNet(net));
        }

        ChurnFinished();
        _generatorsActive--;
    }

    /// <summary>Creates a namespace every interval (a sequential loop) and records how long creation took.</summary>
    private IEnumerable<Step> Probe(ProbeSpec probe)
    {
        if (probe.StartMs > 0)
        {
            yield return Step.Sleep(Ms(probe.StartMs));
        }

        var stop = probe.StopMs > 0 ? Ms(probe.StopMs) : long.MaxValue;
        while (!_workloadDone && _s.Now < stop)
        {
            if (_k.CondReschedSteps)
            {
                // Back in user mode between its syscalls (exit_to_user_mode_loop), as in Loop.
                yield return Step.CondResched();
            }

            var started = _s.Now;
            var c = new Creation(measured: true, probe: true);
            _probeBusy = true;
            yield return Step.Call(F.CopyNetNs, _setup.CopyNetNs(c));
            if (c.Net is { } net)
            {
                yield return Step.Call(F.PutNet, _cleanup.PutNet(net));
            }

            _probeBusy = false;

            var next = started + Ms(probe.IntervalMs);
            if (next > _s.Now)
            {
                yield return Step.Sleep(next - _s.Now);
            }
        }

        if (probe.StopMs > 0)
        {
            _generatorsActive--;
        }
    }

    /// <summary>A host RTNL user (<c>ip link</c>, netlink dumps): RTNL held, part of it inside an RCU reader.</summary>
    private IEnumerable<Step> RtnlUser(RtnlUsersSpec spec, RandomStream random)
    {
        var hold = _k.Cpu((long)(spec.HoldUs * 1000));
        var reader = (long)(hold * spec.RcuReaderFraction);
        while (!_workloadDone)
        {
            yield return Step.Sleep((long)random.NextExponential(spec.MeanIntervalMs * 1e6));
            yield return Step.Lock(_locks.Rtnl);
            if (reader > 0)
            {
                yield return Step.ReadLock();
                yield return Step.Run(F.RtnlUserWork, reader);
                yield return Step.ReadUnlock();
            }

            yield return Step.Self(hold - reader);
            yield return Step.Unlock(_locks.Rtnl);
        }
    }

    /// <summary>
    /// Drain: once every generator is done and their nets are freed, the open-ended actors (probe, RTNL users) stop;
    /// the run ends when nothing is in flight or in the backlog. Nets left on cleanup_list with no run queued or
    /// running can never be freed: the run ends as stranded (the liveness oracle reports them).
    /// </summary>
    private bool ShouldStop()
    {
        if (_s.Halted)
        {
            return true;
        }

        if (_generatorsActive > 0 || _workload.Stop.Mode != "drain")
        {
            return false;
        }

        var idle = _cleanup.Idle;
        var backlog = _accounting.Backlog;
        if (!_workloadDone && _setup.CreationsInFlight - _setup.ProbeInFlight == 0 && (backlog - _accounting.ProbeBacklog == 0 || idle))
        {
            _workloadDone = true;
        }

        if (!_workloadDone || _setup.CreationsInFlight > 0 || _probeBusy)
        {
            return false;
        }

        if (backlog == 0)
        {
            _stopReason = "drained";
            return true;
        }

        if (idle)
        {
            _stopReason = "stranded";
            return true;
        }

        return false;
    }

    private void ReportProgress()
    {
        if (_progress is null)
        {
            return;
        }

        double fraction;
        if (_workload.Stop.Mode == "duration")
        {
            fraction = _s.Now / (_workload.Stop.DurationMs * 1e6);
        }
        else
        {
            fraction = _expectedNets > 0 ? (double)_cleanup.NetsFreed / _expectedNets : 0;
        }

        var phase = _cleanup.TeardownInProgress ? "tearing down" : _generatorsActive > 0 ? "running workload" : "draining";
        _progress.Report(new SimulationProgress(phase, _s.Now, Math.Clamp(fraction, 0, 1), _s.Events.Processed));
    }

    /// <summary>
    /// What the workload does once the namespace exists: veth pairs created with one end in the namespace and the peer
    /// in the host (the host learns an nsid for it), physical devices moved in. Also decides who listens to uevents.
    /// </summary>
    /// <remarks>Nothing to do (no devices, no listeners drawn): the empty sequence, not an iterator per namespace.</remarks>
    private IEnumerable<Step> AddDevices(Net net, DeviceMix mix) =>
        mix.VethPairs == 0 && mix.Physical == 0 && _workload.Machine.UeventListeners.NetnsFraction <= 0 ? [] : AddDeviceSteps(net, mix);

    private IEnumerable<Step> AddDeviceSteps(Net net, DeviceMix mix)
    {
        var fraction = _workload.Machine.UeventListeners.NetnsFraction;
        if (fraction > 0)
        {
            _listenerRandom ??= _k.Stream(StreamIds.Listeners);
            if (_listenerRandom.NextDouble() < fraction)
            {
                _uevents.AddListener(net);
            }
        }

        for (var i = 0; i < mix.VethPairs; i++)
        {
            yield return Step.Lock(_locks.Rtnl);
            _s.ChargeDevices(2);
            var inner = new NetDevice(_vethType, DeviceKind.Veth, net, "veth" + i);
            var peer = new NetDevice(_vethType, DeviceKind.Veth, _k.InitNet, $"veth{net.Id}_{i}");
            inner.Peer = peer;
            peer.Peer = inner;
            yield return Step.Call(F.VethNewlink, _registration.RegisterNetdevice(peer));
            yield return Step.Call(F.VethNewlink, _registration.RegisterNetdevice(inner));
            _nsid.AssignHostNsid(net);

            yield return Step.Unlock(_locks.Rtnl);
        }

        for (var i = 0; i < mix.Physical; i++)
        {
            yield return Step.Lock(_locks.Rtnl);
            _s.ChargeDevices(1);
            var dev = new NetDevice(_physicalType, DeviceKind.Physical, _k.InitNet, $"eth{net.Id}_{i}");
            yield return Step.Call(F.DevChangeNetNamespace, _registration.DeviceMove(dev, net));
            yield return Step.Unlock(_locks.Rtnl);
        }
    }
}
