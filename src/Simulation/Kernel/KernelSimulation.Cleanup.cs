using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary><c>__put_net</c>, the <c>netns_wq</c> worker and <c>cleanup_net</c> (KERNEL-MODEL.md §1, §3).</summary>
internal sealed partial class KernelSimulation
{
    private long _cleanupRcuWaitNs;

    private readonly DeferFreeList _deferFree = new();
    private readonly List<double[]> _batchSeries = [];

    /// <summary>
    /// The single work item on the ordered, single-threaded <c>netns_wq</c>: queue_work on a pending item is a no-op,
    /// and the pending bit is cleared when a run starts, so a release during a run queues exactly one more run.
    /// </summary>
    private IEnumerable<Step> Worker()
    {
        while (true)
        {
            while (!_workPending)
            {
                yield return Step.Wait(_workerWait);
            }

            _workPending = false;
            _workerBusy = true;
            yield return Step.Call(F.CleanupNet, CleanupNet());
            _workerBusy = false;
        }
    }

    private void QueueWork()
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
    private IEnumerable<Step> PutNet(Net net)
    {
        yield return Step.Run(F.PutNet, Cpu(_costs.CleanupListSpinNs));
        var wasEmpty = _cleanupList.Count == 0;
        net.State = NetState.Queued;
        net.ReleasedAt = _s.Now;
        RemoveLive(net);
        // A listener holds a reference: a net can only die once its listener is gone (Biederman, seed thread).
        _uevents.RemoveListener(net);

        _backlog++;
        _probeBacklog += net.FromProbe ? 1 : 0;
        _peakBacklog = Math.Max(_peakBacklog, _backlog);
        if (_firstRelease < 0)
        {
            _firstRelease = _s.Now;
            if (_workload.Burst is null)
            {
                _profiler.WindowStart = _s.Now;
            }
        }

        _cleanupList.Add(net);
        Sample();
        if (_structure.CleanupList != CleanupListKind.Llist || wasEmpty)
        {
            QueueWork();
            yield return Step.Run(F.QueueWork, Cpu(_costs.QueueWorkNs));
        }
    }

    private IEnumerable<Step> CleanupNet()
    {
        // 1. Snapshot cleanup_list under cleanup_list_lock (the policy decides how much of it).
        yield return Step.Run(F.CleanupListLock, Cpu(_costs.CleanupListSpinNs));
        var queued = _cleanupList.Count;
        if (queued == 0)
        {
            yield break;
        }

        var admission = DecideBatch(queued);
        var nets = new List<Net>(admission.Take);
        for (var i = 0; i < admission.Take; i++)
        {
            nets.Add(_cleanupList[^1]);
            _cleanupList.RemoveAt(_cleanupList.Count - 1);
        }

        var batch = new CleanupBatch(nets, _ops.Count);

        if (admission.Requeue && _cleanupList.Count > 0)
        {
            QueueWork();
        }

        var scope = DecideLockScope(batch.Count, new LockScope(_lockMode));

        // 2. net_mutex (exclusive) or pernet_ops_rwsem for read: waits for any setup_net in progress.
        var exclusive = _lockMode == LockMode.Exclusive;
        yield return exclusive ? Step.Lock(_locks.Setup) : Step.LockRead(_locks.Setup);
        batch.LockedAt = _s.Now;
        _teardownInProgress = true;

        // 3–5. Unlink from the global list and remove nsids, under RTNL (≤4.16) or net_rwsem (4.17+).
        foreach (var step in UnhashBatch(batch.Nets))
        {
            yield return step;
        }

        // Plan the batch's grace periods: the unlink site, and every op whose exit waits for one.
        batch.UnlinkMode = DecideGracePeriod(SyncSite.CleanupNetUnlink, "", false, _structure.CleanupSync == CleanupSyncKind.Expedited ? GracePeriodMode.Expedited : GracePeriodMode.Normal);
        for (var i = _ops.Count - 1; i >= 0; i--)
        {
            var op = _ops[i];
            if (op.Spec.ExitSyncs > 0 || op.Spec.ExitBatchSyncs > 0)
            {
                batch.OpModes[i] = DecideGracePeriod(SyncSite.PernetExit, op.Name, op.Spec.ExitTakesRtnl, ExitSyncDefault(op));
            }
        }

        // pre_exit pass (5.3, d7d99872c144): unpublish before the batch's one grace period. Ops whose syncs are
        // overlapped move their unpublish part here too, so the same grace period covers them.
        for (var i = _ops.Count - 1; i >= 0; i--)
        {
            var op = _ops[i];
            var pre = (_structure.PreExit ? op.Spec.PreExitNs : 0) + (batch.OpModes[i] == GracePeriodMode.Overlapped ? UnpublishPart(op, batch.Count) : 0);
            if (pre > 0)
            {
                yield return Step.Call(F.OpsPreExitList, PreExit(op, batch.Count, pre));
            }
        }

        batch.PreExitDone = _rcu.Snapshot();

        // 6. The grace period after unlinking: readers walking the net list must be done before any exit method.
        var waitStart = _s.Now;
        switch (batch.UnlinkMode)
        {
            case GracePeriodMode.Normal:
                yield return Step.Call(F.SynchronizeRcu, Wait(Step.SyncRcu()));
                break;
            case GracePeriodMode.Expedited:
                yield return Step.Call(F.SynchronizeRcu, Wait(Step.SyncRcuExpedited()));
                break;
            case GracePeriodMode.Overlapped:
                yield return Step.Call(F.SynchronizeRcu, Wait(Step.CondSyncRcu(batch.PreExitDone.Normal)));
                break;
        }

        _cleanupRcuWaitNs += _s.Now - waitStart;
        foreach (var net in batch.Nets)
        {
            CheckExitAllowed(net);
        }

        // 7. Exit phase: every op in reverse registration order (device ops first): exit per net, then exit_batch.
        var sinceRelease = 0;
        for (var i = _ops.Count - 1; i >= 0; i--)
        {
            yield return Step.Call(F.OpsExitList, OpsExitList(_ops[i], batch, batch.OpModes[i]));
            if (scope.ReleaseEveryOps > 0 && ++sinceRelease >= scope.ReleaseEveryOps && i > 0)
            {
                // The policy lets creators in mid-batch; under the exclusive lock that breaks exclusion (§8).
                sinceRelease = 0;
                yield return exclusive ? Step.Unlock(_locks.Setup) : Step.UnlockRead(_locks.Setup);
                yield return exclusive ? Step.Lock(_locks.Setup) : Step.LockRead(_locks.Setup);
            }
        }

        // 8. Free phase: each op frees its per-net data.
        long free = 0;
        foreach (var op in _ops)
        {
            free += op.Spec.FreeNs;
        }

        yield return Step.Run(F.OpsFreeList, Cpu(free * batch.Count));
        foreach (var net in batch.Nets)
        {
            net.State = NetState.Exited;
        }

        // 9. Release the setup lock: creation may proceed only from here (in the exclusive mode).
        _teardownInProgress = false;
        yield return exclusive ? Step.Unlock(_locks.Setup) : Step.UnlockRead(_locks.Setup);
        batch.HoldNs = _s.Now - batch.LockedAt;
        if (_batchSeries.Count < 1000)
        {
            _batchSeries.Add([batch.LockedAt / 1e6, _s.Now / 1e6, batch.Count]);
        }

        // 10. rcu_barrier: no callback may still use these nets.
        waitStart = _s.Now;
        yield return Step.Call(F.RcuBarrier, Barrier());
        _cleanupRcuWaitNs += _s.Now - waitStart;

        // net_complete_free (6.13, 0f6ede9fbc74): the previous run's struct nets go back to net_cachep now.
        var deferFree = _structure.NetFinalFree == NetFinalFree.AfterNextCleanup;
        if (deferFree && _deferFree.Bytes > 0)
        {
            ChargeMemory(-_deferFree.TakeAll());
        }

        // 11. Per net: release the ucount, free struct net; memory returns only now (struct net itself one run
        // later from 6.13: net_passive_dec puts it on defer_free_list).
        foreach (var net in batch.Nets)
        {
            yield return Step.Run(F.NetDropNs, Cpu(_costs.NetFreeNs));
            FreeNet(net, deferFree ? _profile.Memory.StructNetBytes : 0);
        }

        _batches++;
        _lastBatchSize = batch.Count;
        _lastBatchHold = batch.HoldNs;
    }

    /// <summary>
    /// Steps 3–5: list_del_rcu each dying net under the list lock, then remove its nsid from every net still on the
    /// list. Per net (≤6.x) that scan is O(N × I) for each dying net; 7.0 (7acee67a6bce) does one pass for the batch.
    /// Up to 4.16 the scan runs under RTNL with the unlinks; from 4.17 cleanup_net drops net_rwsem first and
    /// unhash_nsid takes only each visited net's nsid_lock (a spinlock, not modelled as contended). Costs are
    /// aggregated per dying net: the engine does not pay one event per visited net.
    /// </summary>
    private IEnumerable<Step> UnhashBatch(List<Net> batch)
    {
        var listLock = _locks.NetList;
        yield return Step.Lock(listLock);
        if (_nsid.ScanOutsideListLock)
        {
            long unlink = 0;
            foreach (var net in batch)
            {
                unlink += Unlink(net);
            }

            yield return Step.Run(F.ListDelRcu, Cpu(unlink));
            yield return Step.Unlock(listLock);
            if (_structure.NsidRemoval == NsidRemovalKind.Batched)
            {
                yield return Step.Run(F.UnlinkNets, Cpu(_nsid.ScanCost));
            }
            else
            {
                for (var k = 0; k < batch.Count; k++)
                {
                    yield return Step.Run(F.PeernetRemove, Cpu(_nsid.ScanCost));
                }
            }

            yield break;
        }

        if (_structure.NsidRemoval == NsidRemovalKind.Batched)
        {
            long cost = 0;
            foreach (var net in batch)
            {
                cost += Unlink(net);
            }

            cost += _nsid.ScanCost;
            yield return Step.Run(F.UnlinkNets, Cpu(cost));
        }
        else
        {
            foreach (var net in batch)
            {
                var cost = Unlink(net) + _nsid.ScanCost;
                yield return Step.Run(F.PeernetRemove, Cpu(cost));
            }
        }

        yield return Step.Unlock(listLock);
    }

    private long Unlink(Net net)
    {
        net.State = NetState.Unlinked;
        net.Unlinked = _rcu.Snapshot();
        return _nsid.Unlink(net);
    }

    private IEnumerable<Step> Wait(Step wait)
    {
        yield return wait;
    }

    private IEnumerable<Step> PreExit(PernetOp op, int nets, long perNet)
    {
        yield return Step.Run(op.PreExitFunc, Cpu(perNet * nets));
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
        var preExitDone = batch.PreExitDone;
        switch (op.Behaviour)
        {
            case PernetOpBehaviour.Tunnel:
                var kernelGrouping = op.Spec.TunnelTeardown == TunnelTeardownKind.PerNet ? UnregisterGrouping.PerNet : UnregisterGrouping.PerBatch;
                var grouping = DecideGrouping(op.Name, batch.Count, kernelGrouping);
                if (grouping == UnregisterGrouping.PerNet)
                {
                    foreach (var net in batch.Nets)
                    {
                        yield return Step.Call(op.ExitFunc, TunnelExit(op, [net]));
                    }
                }
                else if (op.Spec.TunnelTeardown == TunnelTeardownKind.BatchRtnl && _structure.ExitBatchRtnl)
                {
                    // exit_batch_rtnl (fd4f101edbd9): the devices join default_device_exit_batch's single round.
                    batch.JoinDefaultRound.Add(op);
                }
                else
                {
                    yield return Step.Call(op.BatchFunc, TunnelExit(op, batch.Nets));
                }

                break;
            case PernetOpBehaviour.DefaultDevice:
                if (_structure.DefaultDeviceExitPerNet)
                {
                    foreach (var net in batch.Nets)
                    {
                        yield return Step.Call(op.ExitFunc, DefaultDeviceExit(op, net));
                    }
                }

                yield return Step.Call(F.DefaultDeviceExitBatch, DefaultDeviceExitBatch(batch.Nets));
                break;
            case PernetOpBehaviour.Uevent:
                foreach (var net in batch.Nets)
                {
                    yield return Step.Call(op.ExitFunc, UeventNetExit(op, net));
                }

                break;
            case PernetOpBehaviour.Loopback:
                break;
            default:
                if (op.HasPerNetExitWork)
                {
                    var simple = op.Spec.ExitSyncs == 0 && !op.Spec.ExitTakesRtnl && op.Spec.ExitCallRcu == 0;
                    foreach (var net in batch.Nets)
                    {
                        var cost = Cpu(op.Spec.ExitNs + (op.Spec.ExitPerLiveNetNs * _allocatedNets));

                        // Most exits are pure CPU work: one segment charged to the op's function, no coroutine.
                        yield return simple
                            ? Step.Run(op.ExitFunc, cost)
                            : Step.Call(op.ExitFunc, PlainExit(op, mode, preExitDone, cost, op.Spec.ExitSyncs, op.Spec.ExitTakesRtnl, op.Spec.ExitCallRcu));
                    }
                }

                if (op.Spec.ExitBatchNs > 0 || op.Spec.ExitBatchPerNetNs > 0 || op.Spec.ExitBatchSyncs > 0)
                {
                    var cost = Cpu(op.Spec.ExitBatchNs + (op.Spec.ExitBatchPerNetNs * batch.Count));
                    yield return Step.Call(op.BatchFunc, PlainExit(op, mode, preExitDone, cost, op.Spec.ExitBatchSyncs, op.Spec.ExitBatchTakesRtnl, 0));
                }

                break;
        }
    }

    /// <summary>
    /// An exit (or exit_batch) method: work, and for each synchronize call it makes, unpublish → wait → tear down.
    /// Overlapped: the unpublish part already ran in the pre-exit pass, so the batch's grace period covers it.
    /// </summary>
    private IEnumerable<Step> PlainExit(PernetOp op, GracePeriodMode mode, Engine.RcuSnapshot preExitDone, long cost, int syncs, bool takesRtnl, int callRcu)
    {
        if (takesRtnl)
        {
            yield return Step.Lock(_locks.Rtnl);
        }

        if (syncs == 0)
        {
            yield return Step.Self(cost);
        }
        else if (mode == GracePeriodMode.Overlapped)
        {
            var waitStart = _s.Now;
            if (!_rcu.Elapsed(preExitDone))
            {
                yield return Step.Call(F.SynchronizeRcu, Wait(Step.CondSyncRcu(preExitDone.Normal)));
            }

            _cleanupRcuWaitNs += _s.Now - waitStart;
            yield return Step.Self(cost - (cost / (syncs + 1)));
        }
        else
        {
            var part = cost / (syncs + 1);
            yield return Step.Self(part);
            for (var k = 0; k < syncs; k++)
            {
                var unpublished = _rcu.Snapshot();
                var waitStart = _s.Now;
                if (SyncStep(mode) is { } wait)
                {
                    yield return Step.Call(takesRtnl ? F.SynchronizeNet : F.SynchronizeRcu, Wait(wait));
                }

                _cleanupRcuWaitNs += _s.Now - waitStart;
                if (!_rcu.Elapsed(unpublished))
                {
                    Violation(OracleRule.RcuSafety, op.Name, $"{op.Name} tore down state it had unpublished without waiting for a grace period ({mode})");
                }

                yield return Step.Self(part);
            }
        }

        if (callRcu > 0)
        {
            _rcu.CallRcu(callRcu, Cpu(callRcu * op.Spec.CallbackNs));
            yield return Step.Run(F.CallRcu, Cpu(callRcu * _profile.Rcu.CallRcuNs));
        }

        if (takesRtnl)
        {
            yield return Step.Unlock(_locks.Rtnl);
        }
    }

    /// <summary>
    /// The kernel's mode for an op's exit syncs: synchronize_rcu is normal; synchronize_rcu_expedited expedited;
    /// synchronize_net is expedited with RTNL held and, from 0734d7c3d93c, whenever called from cleanup_net.
    /// </summary>
    private GracePeriodMode ExitSyncDefault(PernetOp op) => op.Spec.ExitSyncCall switch
    {
        ExitSyncCall.SynchronizeRcuExpedited => GracePeriodMode.Expedited,
        ExitSyncCall.SynchronizeRcu => GracePeriodMode.Normal,
        _ => op.Spec.ExitTakesRtnl || _structure.SynchronizeNetExpedited == SynchronizeNetExpedited.RtnlHeldOrCleanupNet ? GracePeriodMode.Expedited : GracePeriodMode.Normal,
    };

    private static Step? SyncStep(GracePeriodMode mode) => mode switch
    {
        GracePeriodMode.Normal => Step.SyncRcu(),
        GracePeriodMode.Expedited => Step.SyncRcuExpedited(),
        _ => null,
    };

    private IEnumerable<Step> Barrier()
    {
        yield return Step.Self(Cpu(_profile.Rcu.RcuBarrierBaseNs + (_profile.Rcu.RcuBarrierPerCpuNs * _s.Cpus)));
        yield return Step.RcuBarrier();
    }

    /// <summary>uevent_net_exit: remove this net's uevent socket; ≤4.17 searches the socket list linearly.</summary>
    private IEnumerable<Step> UeventNetExit(PernetOp op, Net net)
    {
        yield return Step.Lock(_locks.UeventSock);
        var cost = _costs.UeventNetExitBaseNs + op.Spec.ExitNs + (_structure.UeventNetExitLinear ? _uevents.Sockets * _costs.UeventNetExitPerSocketNs : 0);
        yield return Step.Self(UeventCpu(cost));
        _uevents.RemoveSocket(net);
        yield return Step.Unlock(_locks.UeventSock);
    }

    /// <summary>Frees a net; <paramref name="deferredBytes"/> of its memory (struct net) stay on defer_free_list.</summary>
    private void FreeNet(Net net, long deferredBytes)
    {
        if (net.State == NetState.Freed)
        {
            Violation(OracleRule.Conservation, net.ToString(), "freed twice");
            return;
        }

        if (!_rcu.Elapsed(net.Unlinked))
        {
            Violation(OracleRule.RcuSafety, net.ToString(), "struct net freed before a full grace period after it was unlinked");
        }

        net.State = NetState.Freed;
        _charged--;
        _allocatedNets--;
        _backlog--;
        _probeBacklog -= net.FromProbe ? 1 : 0;
        _netsFreed++;
        _lastFree = _s.Now;
        _deferFree.Add(deferredBytes);
        ChargeMemory(-(net.MemoryBytes - deferredBytes));
        RecordCleanupLatency(_s.Now - net.ReleasedAt);
        if (net.FromBurst && --_burstNetsLeft == 0)
        {
            _burstFreedAt = _s.Now;
        }
    }
}
