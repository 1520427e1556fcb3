using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// net/core/net_namespace.c's teardown (KERNEL-MODEL.md §1, §3): <c>__put_net</c> onto cleanup_list, the single
/// <c>net_cleanup_work</c> item on <c>netns_wq</c>, and <c>cleanup_net</c> — unhash, the grace period, the pernet ops'
/// pre_exit/exit/exit_batch/free passes in reverse registration order, <c>rcu_barrier</c> and the final free. It owns
/// cleanup_list, the work item's pending bit, the batches run, and defer_free_list.
/// </summary>
internal sealed class NetCleanup(KernelContext k, IReadOnlyList<PernetOp> ops, NsidTable nsid, UeventBroadcast uevents, DeviceUnregistration devices, NetRcu rcu, bool burstWorkload)
{
    private readonly WaitQueue _workerWait = new(k.S);
    private readonly Stack<PlainOpsExit> _plainOpsExits = new();
    private readonly Stack<PlainExitCall> _plainExitCalls = new();
    private readonly Stack<CleanupBatch> _batches = new();
    private bool _workPending;
    private bool _workerBusy;

    /// <summary>Released nets waiting for a cleanup_net run (the model appends; a batch is taken from the end).</summary>
    public ValueList<Net> CleanupList { get; } = [];

    /// <summary>defer_free_list (6.13): the struct nets the next run frees.</summary>
    public DeferFreeList DeferFree { get; } = new();

    /// <summary>Neither a run queued nor one running.</summary>
    public bool Idle => !_workPending && !_workerBusy;

    /// <summary>A cleanup_net batch holds the setup lock (between steps 2 and 9).</summary>
    public bool TeardownInProgress { get; private set; }

    public int Batches { get; private set; }

    public int LastBatchSize { get; private set; }

    public long LastBatchHold { get; private set; }

    /// <summary>Per batch (the first 1000): lock taken (ms), lock released (ms), nets.</summary>
    public List<double[]> BatchSeries { get; } = [];

    /// <summary>The worker thread (kworker/u:netns), whose CPU time each run records; set once it is spawned.</summary>
    public KThread? WorkerThread { get; set; }

    /// <summary>Per run that took a net (the first <see cref="RunResult.CleanupRunLimit"/>): start, end, whose nets, the worker's CPU time and its rcu_barrier waits.</summary>
    public List<CleanupRun> Runs { get; } = [];

    public LatencyRecorder CleanupLatency { get; } = new();

    public long NetsFreed { get; private set; }

    /// <summary>The first release of a net, or -1.</summary>
    public long FirstRelease { get; private set; } = -1;

    /// <summary>The last free of a net, or -1.</summary>
    public long LastFree { get; private set; } = -1;

    /// <summary>The burst's nets not yet freed (set when the burst releases them).</summary>
    public int BurstNetsLeft { get; set; }

    /// <summary>When the burst's last net was freed, or -1.</summary>
    public long BurstFreedAt { get; private set; } = -1;

    /// <summary>
    /// The single work item on the ordered, single-threaded <c>netns_wq</c>: queue_work on a pending item is a no-op,
    /// and the pending bit is cleared when a run starts, so a release during a run queues exactly one more run.
    /// </summary>
    public IEnumerable<Step> Worker()
    {
        while (true)
        {
            while (!_workPending)
            {
                yield return Step.Wait(_workerWait);
            }

            _workPending = false;
            _workerBusy = true;
            yield return Step.Call(k.F.CleanupNet, CleanupNet());
            _workerBusy = false;
            if (k.CondReschedSteps)
            {
                // process_one_work: cond_resched() after every work item (kernel/workqueue.c).
                yield return Step.CondResched();
            }
        }
    }

    public void QueueWork()
    {
        if (_workPending)
        {
            return;
        }

        _workPending = true;
        _workerWait.WakeAll();
    }

    /// <summary>
    /// __put_net: the last reference is gone. <c>list_add</c> puts the net at the head of cleanup_list (so a batch
    /// taken from the head holds the most recent releases); 4.18's llist queues the work only on the first add.
    /// </summary>
    public IEnumerable<Step> PutNet(Net net)
    {
        yield return Step.Run(k.F.PutNet, k.Cpu(k.Costs.CleanupListSpinNs));
        var wasEmpty = CleanupList.Count == 0;
        net.State = NetState.Queued;
        net.ReleasedAt = k.S.Now;
        k.Accounting.RemoveLive(net);
        // A listener holds a reference: a net can only die once its listener is gone (Biederman, seed thread).
        uevents.RemoveListener(net);

        k.Accounting.Released(net);
        if (FirstRelease < 0)
        {
            FirstRelease = k.S.Now;
            if (!burstWorkload)
            {
                k.Profiler.WindowStart = k.S.Now;
            }
        }

        CleanupList.Add(net);
        k.Accounting.Sample();
        if (k.Structure.CleanupList != CleanupListKind.Llist || wasEmpty)
        {
            QueueWork();
            yield return Step.Run(k.F.QueueWork, k.Cpu(k.Costs.QueueWorkNs));
        }
    }

    private IEnumerable<Step> CleanupNet()
    {
        // 1. Snapshot cleanup_list under cleanup_list_lock (the policy decides how much of it).
        var runStart = k.S.Now;
        var cpuStart = WorkerThread?.CpuNs ?? 0;
        var barrierStart = rcu.BarrierWaitNs;
        yield return Step.Run(k.F.CleanupListLock, k.Cpu(k.Costs.CleanupListSpinNs));
        var queued = CleanupList.Count;
        if (queued == 0)
        {
            yield break;
        }

        var admission = k.Policy.DecideBatch(queued);
        var batch = _batches.Count > 0 ? _batches.Pop() : new CleanupBatch(ops.Count);
        for (var i = 0; i < admission.Take; i++)
        {
            batch.Nets.Add(CleanupList[^1]);
            CleanupList.RemoveAt(CleanupList.Count - 1);
        }

        // Whose nets the run took, counted now: step 11 frees them.
        int burstNets = 0, probeNets = 0;
        foreach (var net in batch.Nets)
        {
            burstNets += net.FromBurst ? 1 : 0;
            probeNets += net.FromProbe ? 1 : 0;
        }

        if (admission.Requeue && CleanupList.Count > 0)
        {
            QueueWork();
        }

        var scope = k.Policy.DecideLockScope(batch.Count, new LockScope(k.Locks.RunMode));

        // 2. net_mutex (exclusive) or pernet_ops_rwsem for read: waits for any setup_net in progress.
        var exclusive = k.Locks.RunMode == LockMode.Exclusive;
        yield return exclusive ? Step.Lock(k.Locks.Setup) : Step.LockRead(k.Locks.Setup);
        batch.LockedAt = k.S.Now;
        TeardownInProgress = true;

        // 3–5. Unlink from the global list and remove nsids, under RTNL (≤4.16) or net_rwsem (4.17+).
        foreach (var step in UnhashBatch(batch.Nets))
        {
            yield return step;
        }

        // Plan the batch's grace periods: the unlink site, and every op whose exit waits for one.
        batch.UnlinkMode = k.Policy.DecideGracePeriod(SyncSite.CleanupNetUnlink, "", false, k.Structure.CleanupSync == CleanupSyncKind.Expedited ? GracePeriodMode.Expedited : GracePeriodMode.Normal);
        for (var i = ops.Count - 1; i >= 0; i--)
        {
            var op = ops[i];
            if (op.Spec.ExitSyncs > 0 || op.Spec.ExitBatchSyncs > 0)
            {
                batch.OpModes[i] = k.Policy.DecideGracePeriod(SyncSite.PernetExit, op.Name, op.Spec.ExitTakesRtnl, ExitSyncDefault(op));
            }
        }

        // pre_exit pass (5.3, d7d99872c144): unpublish before the batch's one grace period. Ops whose syncs are
        // overlapped move their unpublish part here too, so the same grace period covers them.
        for (var i = ops.Count - 1; i >= 0; i--)
        {
            var op = ops[i];
            var pre = (k.Structure.PreExit ? op.Spec.PreExitNs : 0) + (batch.OpModes[i] == GracePeriodMode.Overlapped ? UnpublishPart(op, batch.Count) : 0);
            if (pre > 0)
            {
                yield return Step.Call(k.F.OpsPreExitList, PreExit(op, batch.Count, pre));
            }
        }

        batch.PreExitDone = k.Rcu.Snapshot();

        // 6. The grace period after unlinking: readers walking the net list must be done before any exit method.
        var waitStart = k.S.Now;
        switch (batch.UnlinkMode)
        {
            case GracePeriodMode.Normal:
                yield return Step.Call(k.F.SynchronizeRcu, rcu.Wait(Step.SyncRcu()));
                break;
            case GracePeriodMode.Expedited:
                yield return Step.Call(k.F.SynchronizeRcu, rcu.Wait(Step.SyncRcuExpedited()));
                break;
            case GracePeriodMode.Overlapped:
                yield return Step.Call(k.F.SynchronizeRcu, rcu.Wait(Step.CondSyncRcu(batch.PreExitDone.Normal)));
                break;
        }

        rcu.AddWait(k.S.Now - waitStart);
        foreach (var net in batch.Nets)
        {
            k.Oracles.CheckExitAllowed(net, k.Rcu);
        }

        // 7. Exit phase: every op in reverse registration order (device ops first): exit per net, then exit_batch.
        var sinceRelease = 0;
        for (var i = ops.Count - 1; i >= 0; i--)
        {
            var op = ops[i];
            yield return Step.Call(k.F.OpsExitList, op.Behaviour is PernetOpBehaviour.Tunnel or PernetOpBehaviour.DefaultDevice or PernetOpBehaviour.Uevent
                ? OpsExitList(op, batch, batch.OpModes[i])
                : op.Behaviour == PernetOpBehaviour.Loopback ? k.S.Sequence() : PlainOpsExit.Rent(_plainOpsExits, k, this, op, batch, batch.OpModes[i]));
            if (scope.ReleaseEveryOps > 0 && ++sinceRelease >= scope.ReleaseEveryOps && i > 0)
            {
                // The policy lets creators in mid-batch; under the exclusive lock that breaks exclusion (§8).
                sinceRelease = 0;
                yield return exclusive ? Step.Unlock(k.Locks.Setup) : Step.UnlockRead(k.Locks.Setup);
                yield return exclusive ? Step.Lock(k.Locks.Setup) : Step.LockRead(k.Locks.Setup);
            }
        }

        // 8. Free phase: each op frees its per-net data.
        long free = 0;
        for (var i = 0; i < ops.Count; i++)
        {
            free += ops[i].Spec.FreeNs;
        }

        yield return Step.Run(k.F.OpsFreeList, k.Cpu(free * batch.Count));
        foreach (var net in batch.Nets)
        {
            net.State = NetState.Exited;
        }

        // 9. Release the setup lock: creation may proceed only from here (in the exclusive mode).
        TeardownInProgress = false;
        yield return exclusive ? Step.Unlock(k.Locks.Setup) : Step.UnlockRead(k.Locks.Setup);
        batch.HoldNs = k.S.Now - batch.LockedAt;
        if (BatchSeries.Count < 1000)
        {
            BatchSeries.Add([batch.LockedAt / 1e6, k.S.Now / 1e6, batch.Count]);
        }

        // 10. rcu_barrier: no callback may still use these nets.
        waitStart = k.S.Now;
        yield return Step.Call(k.F.RcuBarrier, rcu.Barrier());
        rcu.AddBarrierWait(k.S.Now - waitStart);

        // net_complete_free (6.13, 0f6ede9fbc74): the previous run's struct nets go back to net_cachep now.
        var deferFree = k.Structure.NetFinalFree == NetFinalFree.AfterNextCleanup;
        if (deferFree && DeferFree.Bytes > 0)
        {
            k.Accounting.ChargeMemory(-DeferFree.TakeAll());
        }

        // 11. Per net: release the ucount, free struct net; memory returns only now (struct net itself one run
        // later from 6.13: net_passive_dec puts it on defer_free_list).
        foreach (var net in batch.Nets)
        {
            yield return Step.Run(k.F.NetDropNs, k.Cpu(k.Costs.NetFreeNs));
            FreeNet(net, deferFree ? k.Profile.Memory.StructNetBytes : 0);
        }

        if (Runs.Count < RunResult.CleanupRunLimit)
        {
            Runs.Add(new CleanupRun(runStart / 1e9, k.S.Now / 1e9, batch.Count, burstNets, probeNets, ((WorkerThread?.CpuNs ?? 0) - cpuStart) / 1e6, (rcu.BarrierWaitNs - barrierStart) / 1e6));
        }

        Batches++;
        LastBatchSize = batch.Count;
        LastBatchHold = batch.HoldNs;
        batch.Reset();
        _batches.Push(batch);
    }

    /// <summary>
    /// Steps 3–5: list_del_rcu each dying net under the list lock, then remove its nsid from every net still on the
    /// list. Per net (≤6.x) that scan is O(N × I) for each dying net; 7.0 (7acee67a6bce) does one pass for the batch.
    /// Up to 4.16 the scan runs under RTNL with the unlinks; from 4.17 cleanup_net drops net_rwsem first and
    /// unhash_nsid takes only each visited net's nsid_lock (a spinlock, not modelled as contended). Costs are
    /// aggregated per dying net: the engine does not pay one event per visited net.
    /// </summary>
    private IEnumerable<Step> UnhashBatch(ValueList<Net> batch)
    {
        var listLock = k.Locks.NetList;
        yield return Step.Lock(listLock);
        if (nsid.ScanOutsideListLock)
        {
            long unlink = 0;
            foreach (var net in batch)
            {
                unlink += Unlink(net);
            }

            yield return Step.Run(k.F.ListDelRcu, k.Cpu(unlink));
            yield return Step.Unlock(listLock);
            if (k.Structure.NsidRemoval == NsidRemovalKind.Batched)
            {
                yield return Step.Run(k.F.UnlinkNets, k.Cpu(nsid.ScanCost));
            }
            else
            {
                for (var j = 0; j < batch.Count; j++)
                {
                    yield return Step.Run(k.F.PeernetRemove, k.Cpu(nsid.ScanCost));
                }
            }

            yield break;
        }

        if (k.Structure.NsidRemoval == NsidRemovalKind.Batched)
        {
            long cost = 0;
            foreach (var net in batch)
            {
                cost += Unlink(net);
            }

            cost += nsid.ScanCost;
            yield return Step.Run(k.F.UnlinkNets, k.Cpu(cost));
        }
        else
        {
            foreach (var net in batch)
            {
                var cost = Unlink(net) + nsid.ScanCost;
                yield return Step.Run(k.F.PeernetRemove, k.Cpu(cost));
            }
        }

        yield return Step.Unlock(listLock);
    }

    private long Unlink(Net net)
    {
        net.State = NetState.Unlinked;
        net.Unlinked = k.Rcu.Snapshot();
        return nsid.Unlink(net);
    }

    private IEnumerable<Step> PreExit(PernetOp op, int nets, long perNet)
    {
        yield return Step.Run(op.PreExitFunc, k.Cpu(perNet * nets));
    }

    /// <summary>The part of an op's exit that unpublishes state before its first synchronize call.</summary>
    private static long UnpublishPart(PernetOp op, int batchSize)
    {
        var perNet = op.Spec.ExitSyncs > 0 ? op.Spec.ExitNs / (op.Spec.ExitSyncs + 1) : 0;
        var perBatch = op.Spec.ExitBatchSyncs > 0 ? (op.Spec.ExitBatchNs + (op.Spec.ExitBatchPerNetNs * batchSize)) / (op.Spec.ExitBatchSyncs + 1) : 0;
        return perNet + (perBatch / Math.Max(1, batchSize));
    }

    private IEnumerable<Step> OpsExitList(PernetOp op, CleanupBatch batch, GracePeriodMode mode)
    {
        switch (op.Behaviour)
        {
            case PernetOpBehaviour.Tunnel:
                var kernelGrouping = op.Spec.TunnelTeardown == TunnelTeardownKind.PerNet ? UnregisterGrouping.PerNet : UnregisterGrouping.PerBatch;
                var grouping = k.Policy.DecideGrouping(op.Name, batch.Count, kernelGrouping);
                if (grouping == UnregisterGrouping.PerNet)
                {
                    foreach (var net in batch.Nets)
                    {
                        yield return Step.Call(op.ExitFunc, devices.TunnelExit(op, [net]));
                    }
                }
                else if (op.Spec.TunnelTeardown == TunnelTeardownKind.BatchRtnl && k.Structure.ExitBatchRtnl)
                {
                    // exit_batch_rtnl (fd4f101edbd9): the devices join default_device_exit_batch's single round.
                    batch.JoinDefaultRound.Add(op);
                }
                else
                {
                    yield return Step.Call(op.BatchFunc, devices.TunnelExit(op, batch.Nets));
                }

                break;
            case PernetOpBehaviour.DefaultDevice:
                if (k.Structure.DefaultDeviceExitPerNet)
                {
                    foreach (var net in batch.Nets)
                    {
                        yield return Step.Call(op.ExitFunc, devices.DefaultDeviceExit(op, net));
                    }
                }

                yield return Step.Call(k.F.DefaultDeviceExitBatch, devices.DefaultDeviceExitBatch(batch.Nets));
                break;
            case PernetOpBehaviour.Uevent:
                foreach (var net in batch.Nets)
                {
                    yield return Step.Call(op.ExitFunc, uevents.NetExit(op, net));
                }

                break;
            default:
                // Loopback: nothing (the caller calls an empty pooled coroutine); every other op: PlainOpsExit, a
                // pooled coroutine (the caller picks it).
                throw new InvalidOperationException($"ops_exit_list of {op.Name}: behaviour {op.Behaviour} runs as {nameof(PlainOpsExit)}");
        }
    }

    /// <summary>
    /// An exit (or exit_batch) method: work, and for each synchronize call it makes, unpublish → wait → tear down
    /// (<see cref="PlainExitCall"/>, pooled).
    /// </summary>
    internal IEnumerable<Step> PlainExit(PernetOp op, GracePeriodMode mode, Engine.RcuSnapshot preExitDone, long cost, int syncs, bool takesRtnl, int callRcu) =>
        PlainExitCall.Rent(_plainExitCalls, k, rcu, op, mode, preExitDone, cost, syncs, takesRtnl, callRcu);

    /// <summary>
    /// The kernel's mode for an op's exit syncs: synchronize_rcu is normal; synchronize_rcu_expedited expedited;
    /// synchronize_net is expedited with RTNL held and, from 0734d7c3d93c, whenever called from cleanup_net.
    /// </summary>
    private GracePeriodMode ExitSyncDefault(PernetOp op) => op.Spec.ExitSyncCall switch
    {
        ExitSyncCall.SynchronizeRcuExpedited => GracePeriodMode.Expedited,
        ExitSyncCall.SynchronizeRcu => GracePeriodMode.Normal,
        _ => op.Spec.ExitTakesRtnl || k.Structure.SynchronizeNetExpedited == SynchronizeNetExpedited.RtnlHeldOrCleanupNet ? GracePeriodMode.Expedited : GracePeriodMode.Normal,
    };

    /// <summary>Frees a net; <paramref name="deferredBytes"/> of its memory (struct net) stay on defer_free_list.</summary>
    private void FreeNet(Net net, long deferredBytes)
    {
        if (net.State == NetState.Freed)
        {
            k.Violation(OracleRule.Conservation, net.ToString(), "freed twice");
            return;
        }

        if (!k.Rcu.Elapsed(net.Unlinked))
        {
            k.Violation(OracleRule.RcuSafety, net.ToString(), "struct net freed before a full grace period after it was unlinked");
        }

        net.State = NetState.Freed;
        k.Accounting.Freed(net);
        NetsFreed++;
        LastFree = k.S.Now;
        DeferFree.Add(deferredBytes);
        k.Accounting.ChargeMemory(-(net.MemoryBytes - deferredBytes));
        CleanupLatency.Record(k.S.Now - net.ReleasedAt);
        if (net.FromBurst && --BurstNetsLeft == 0)
        {
            BurstFreedAt = k.S.Now;
        }
    }
}
