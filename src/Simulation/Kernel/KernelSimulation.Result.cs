using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>Metric collection and the <see cref="RunResult"/>.</summary>
internal sealed partial class KernelSimulation
{
    private const int MaxSamples = 400;
    private readonly LatencyRecorder _creationLatency = new();
    private readonly LatencyRecorder _cleanupLatency = new();
    private readonly List<double> _sampleTimes = [];
    private readonly List<int> _sampleBacklog = [];
    private readonly List<long> _sampleMemory = [];
    private long _sampleInterval = 1_000_000;
    private long _nextSample;

    private void RecordCreationLatency(long ns) => _creationLatency.Record(ns);

    private void RecordCleanupLatency(long ns) => _cleanupLatency.Record(ns);

    /// <summary>Backlog and memory over time at a fixed interval that doubles (keeping every other sample) when full.</summary>
    private void Sample()
    {
        if (_s.Now < _nextSample)
        {
            return;
        }

        if (_sampleTimes.Count >= MaxSamples)
        {
            Decimate(_sampleTimes);
            Decimate(_sampleBacklog);
            Decimate(_sampleMemory);
            _sampleInterval *= 2;
        }

        _sampleTimes.Add(_s.Now / 1e6);
        _sampleBacklog.Add(_backlog);
        _sampleMemory.Add(_memory);
        _nextSample = (_s.Now / _sampleInterval * _sampleInterval) + _sampleInterval;
    }

    private static void Decimate<T>(List<T> list)
    {
        var kept = 0;
        for (var i = 0; i < list.Count; i += 2)
        {
            list[kept++] = list[i];
        }

        list.RemoveRange(kept, list.Count - kept);
    }

    private RunResult BuildResult(string status, string? detail)
    {
        // With a burst, teardown is the burst's: its release to its last net freed (the seed's measurement);
        // otherwise the first release to the last free.
        _nextSample = 0;
        Sample();
        long teardownNs, teardownNets;
        if (_workload.Burst is not null)
        {
            teardownNs = _burstRelease >= 0 && _burstFreedAt >= _burstRelease ? _burstFreedAt - _burstRelease : 0;
            teardownNets = _burstFreedAt >= 0 ? _burstCount : 0;
        }
        else
        {
            teardownNs = _firstRelease >= 0 && _lastFree >= _firstRelease ? _lastFree - _firstRelease : 0;
            teardownNets = _netsFreed;
        }

        var decisions = new Dictionary<string, DecisionCount>(StringComparer.Ordinal);
        for (var i = 0; i < DecisionPoints.All.Count; i++)
        {
            var point = DecisionPoints.All[i];
            if ((_overrides & point) != 0)
            {
                decisions[DecisionPoints.Name(point)] = new DecisionCount(_decisions.Calls(point), _decisions.Changed(point));
            }
        }

        var violations = _violations.ToList();
        if (_violationCount > _violations.Count)
        {
            violations.Add(new OracleViolation("truncated", _s.Now, "", $"{_violationCount - _violations.Count} more violations not listed"));
        }

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
            CleanupLatencyMs = _cleanupLatency.Summary(),
            CreationLatencyMs = _creationLatency.Summary(),
            ThroughputNetnsPerSecond = teardownNs > 0 ? teardownNets / (teardownNs / 1e9) : 0,
            PeakMemoryBytes = _peakMemory,
            PeakBacklog = _peakBacklog,
            EnospcFailures = _enospc,
            Oom = _oomAt >= 0 ? _oomAt / 1e9 : null,
            NetsCreated = _netsCreated,
            NetsFreed = _netsFreed,
            Batches = _batches,
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
                SynchronizeOverlapped = _decisions.Overlapped,
                SynchronizeSkipped = _decisions.Skipped,
                SynchronizeShortcut = _rcu.ShortcutCount,
                WaitTotalMs = _rcu.WaitTotalNs / 1e6,
                CleanupWaitMs = _cleanupRcuWaitNs / 1e6,
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
                TimeMs = _sampleTimes,
                Backlog = _sampleBacklog,
                MemoryBytes = _sampleMemory,
                Batches = _batchSeries,
                GracePeriods = _rcu.GracePeriods,
                CreationCdf = _creationLatency.Cdf(),
                CleanupCdf = _cleanupLatency.Cdf(),
            },
        };
    }

    /// <summary>From the burst's release (else the first release) to the last host-side peer's removal from sysfs.</summary>
    private long PeersGoneNs()
    {
        var from = _burstRelease >= 0 ? _burstRelease : _firstRelease;
        return from >= 0 && _devices.LastHostPeerGone >= from ? _devices.LastHostPeerGone - from : 0;
    }

    private static LockMetrics Lock(SleepLock l) =>
        new(l.Acquisitions, l.Contended, l.HoldTotalNs / 1e6, l.HoldMaxNs / 1e6, l.WaitTotalNs / 1e6, l.WaitMaxNs / 1e6);
}
