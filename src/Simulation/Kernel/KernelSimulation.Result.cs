using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>Metric collection and the <see cref="RunResult"/>.</summary>
internal sealed partial class KernelSimulation
{
    private RunResult BuildResult(string status, string? detail)
    {
        // With a burst, teardown is the burst's: its release to its last net freed (the seed's measurement);
        // otherwise the first release to the last free.
        _accounting.SampleNow();
        long teardownNs, teardownNets;
        if (_workload.Burst is not null)
        {
            teardownNs = _burstRelease >= 0 && _cleanup.BurstFreedAt >= _burstRelease ? _cleanup.BurstFreedAt - _burstRelease : 0;
            teardownNets = _cleanup.BurstFreedAt >= 0 ? _burstCount : 0;
        }
        else
        {
            teardownNs = _cleanup.FirstRelease >= 0 && _cleanup.LastFree >= _cleanup.FirstRelease ? _cleanup.LastFree - _cleanup.FirstRelease : 0;
            teardownNets = _cleanup.NetsFreed;
        }

        var decisions = new Dictionary<string, DecisionCount>(StringComparer.Ordinal);
        for (var i = 0; i < DecisionPoints.All.Count; i++)
        {
            var point = DecisionPoints.All[i];
            if ((_gate.Overrides & point) != 0)
            {
                decisions[DecisionPoints.Name(point)] = new DecisionCount(_gate.Counters.Calls(point), _gate.Counters.Changed(point));
            }
        }

        var violations = _oracles.Build();

        return new RunResult
        {
            Status = status,
            StatusDetail = detail,
            Workload = _workload.Name,
            KernelProfile = _profile.Id,
            Policy = _policy.Descriptor.Id,
            PolicyParameters = _request.Parameters.ToString(),
            Seed = _request.Seed,
            Replication = _request.Replication,
            SimulatedSeconds = _s.Now / 1e9,
            Events = _s.Events.Processed,
            Steps = _s.Steps,
            TeardownSeconds = teardownNs / 1e9,
            HostPeersGoneSeconds = PeersGoneNs() / 1e9,
            CleanupLatencyMs = _cleanup.CleanupLatency.Summary(),
            CreationLatencyMs = _setup.CreationLatency.Summary(),
            ProbeCreations = _setup.ProbeCreations.ToArray(),
            CleanupRuns = _cleanup.Runs.ToArray(),
            ThroughputNetnsPerSecond = teardownNs > 0 ? teardownNets / (teardownNs / 1e9) : 0,
            PeakMemoryBytes = _accounting.PeakMemory,
            PeakBacklog = _accounting.PeakBacklog,
            EnospcFailures = _setup.Enospc,
            Oom = _accounting.OomAt >= 0 ? _accounting.OomAt / 1e9 : null,
            NetsCreated = _setup.NetsCreated,
            NetsFreed = _cleanup.NetsFreed,
            Batches = _cleanup.Batches,
            NetdevWait = new NetdevWaitMetrics(_devices.DevicesWaited, _devices.UnregisterWarnings, _devices.RefWaitNs / 1e6),
            Generators = GeneratorTimes(),
            Locks = new Dictionary<string, LockMetrics>(StringComparer.Ordinal)
            {
                [_locks.Setup.Name] = Lock(_locks.Setup),
                [_locks.Rtnl.Name] = Lock(_locks.Rtnl),
                [_locks.UeventSock.Name] = Lock(_locks.UeventSock),
                [_locks.NetRwsem.Name] = Lock(_locks.NetRwsem),
            },
            Rcu = new RcuMetrics
            {
                NormalGracePeriods = _rcu.Completed,
                ExpeditedGracePeriods = _rcu.ExpeditedCompleted,
                SynchronizeNormal = _rcu.SynchronizeNormal,
                SynchronizeExpedited = _rcu.SynchronizeExpedited,
                SynchronizeOverlapped = _gate.Counters.Overlapped,
                SynchronizeSkipped = _gate.Counters.Skipped,
                SynchronizeShortcut = _rcu.ShortcutCount,
                WaitTotalMs = _rcu.WaitTotalNs / 1e6,
                CleanupWaitMs = _netRcu.CleanupWaitNs / 1e6,
                CallRcuCallbacks = _rcu.Callbacks,
                RcuBarriers = _rcu.Barriers,
                BarrierWaitMs = _rcu.BarrierWaitNs / 1e6,
            },
            Uevents = new UeventMetrics
            {
                Sent = _uevents.Sent,
                Suppressed = _uevents.Suppressed,
                SocketVisits = _uevents.SocketVisits,
                SkbAllocations = _uevents.SkbAllocations,
            },
            Profile = _profiler.Build(),
            Decisions = decisions,
            OracleViolations = violations,
            Series = new RunSeries
            {
                TimeMs = _accounting.SampleTimes,
                Backlog = _accounting.SampleBacklog,
                MemoryBytes = _accounting.SampleMemory,
                Batches = _cleanup.BatchSeries,
                GracePeriods = _rcu.GracePeriods,
                CreationCdf = _setup.CreationLatency.Cdf(),
                CleanupCdf = _cleanup.CleanupLatency.Cdf(),
            },
        };
    }

    /// <summary>From the burst's release (else the first release) to the last host-side peer's removal from sysfs.</summary>
    private long PeersGoneNs()
    {
        var from = _burstRelease >= 0 ? _burstRelease : _cleanup.FirstRelease;
        return from >= 0 && _devices.LastHostPeerGone >= from ? _devices.LastHostPeerGone - from : 0;
    }

    private static LockMetrics Lock(SleepLock l) =>
        new(l.Acquisitions, l.Contended, l.HoldTotalNs / 1e6, l.HoldMaxNs / 1e6, l.WaitTotalNs / 1e6, l.WaitMaxNs / 1e6);
}
