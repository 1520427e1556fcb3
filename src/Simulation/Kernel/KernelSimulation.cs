using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// One run of the kernel model: the v4.9 <c>cleanup_net</c> and <c>copy_net_ns</c> paths (KERNEL-MODEL.md §3–4) with the
/// era's structural switches from the profile, driven by the workload, with the policy deciding at the §7 points.
/// Split by kernel area into partial files: Cleanup (cleanup_net), Devices (unregister, uevents), Setup (copy_net_ns),
/// Workload (generators), Decisions (policy calls), Oracles, Result.
/// </summary>
internal sealed partial class KernelSimulation : IKernelState
{
    private readonly SimulationRequest _request;
    private readonly Workload _workload;
    private readonly KernelProfile _profile;
    private readonly StructureSpec _structure;
    private readonly CoreCosts _costs;
    private readonly CancellationToken _token;
    private readonly IProgress<SimulationProgress>? _progress;
    private readonly Scheduler _s;
    private readonly Profiler _profiler;
    private readonly Rcu _rcu;
    private readonly ICleanupPolicy _policy;
    private readonly DecisionPoint _overrides;

    // The kernel's subsystems, each owning its state.
    private readonly KernelLocks _locks;
    private readonly NsidTable _nsid;
    private readonly UeventBroadcast _uevents = new();
    private readonly DeviceUnregistration _devices = new();
    private readonly DecisionCounters _decisions = new();


    private readonly IReadOnlyList<PernetOp> _ops;
    private readonly DeviceTypeSpec _loopbackType;
    private readonly DeviceTypeSpec _vethType;
    private readonly DeviceTypeSpec _physicalType;
    private readonly int _possibleCpus;
    private readonly int _maxNetNamespaces;
    private readonly long _memoryLimit;
    private readonly double _cpuMult;
    private readonly double _ueventMult;
    private readonly long _perNetBytes;

    private readonly Net _initNet;
    private readonly List<Net> _live = [];
    private readonly List<Net> _cleanupList = [];
    private readonly WaitQueue _workerWait;

    private int _nextNetId = 1;
    private LockMode _lockMode;
    private bool _workPending;
    private bool _workerBusy;
    private int _allocatedNets;
    private int _charged;
    private long _memory;
    private long _baselineMemory;
    private int _baselineCharged;
    private int _backlog;
    private int _creatorsWaiting;
    private int _setupInProgress;
    private bool _teardownInProgress;
    private int _generatorsActive;
    private int _creationsInFlight;
    private bool _workloadDone;
    private string _stopReason = "";

    private long _firstRelease = -1;
    private long _burstRelease = -1;
    private long _burstFreedAt = -1;
    private int _burstNetsLeft;
    private int _burstCount;
    private int _probeInFlight;
    private int _probeBacklog;
    private bool _probeBusy;
    private long _lastFree = -1;
    private long _netsCreated;
    private long _netsFreed;
    private long _enospc;
    private long _oomAt = -1;
    private int _peakBacklog;
    private long _peakMemory;
    private int _batches;
    private int _lastBatchSize;
    private long _lastBatchHold;
    private long _expectedNets;

    public KernelSimulation(SimulationRequest request, CancellationToken token, IProgress<SimulationProgress>? progress, SimulationBudget? budget = null)
    {
        _request = request;
        _workload = request.Workload;
        _profile = request.Profile;
        _structure = _profile.Structure;
        _costs = _profile.Costs;
        _token = token;
        _progress = progress;
        _policy = request.Policy;
        _overrides = request.Policy.Descriptor.Overrides;

        var m = _workload.Machine;
        _possibleCpus = m.PossibleCpus == 0 ? m.Cpus : m.PossibleCpus;
        _maxNetNamespaces = m.MaxNetNamespaces == 0 ? _profile.DefaultMaxNetNamespaces : m.MaxNetNamespaces;
        _memoryLimit = m.MemoryLimitMb * 1024L * 1024L;
        _cpuMult = m.DebugKernel ? _profile.Debug.CpuMultiplier : 1.0;
        _ueventMult = m.DebugKernel ? _profile.Debug.UeventMultiplier : 1.0;

        _profiler = new Profiler();
        _s = new Scheduler(m.Cpus, _costs.SchedSliceNs, _profiler) { Budget = budget ?? SimulationBudget.Unlimited };
        _rcu = new Rcu(_s, _profile.Rcu, m.Hz, Stream(StreamRcu));
        _s.Rcu = _rcu;
        HostVariation.Attach(_profile.Variation, _s, _request.Seed, _request.Replication);
        _locks = new KernelLocks(_s, _structure);
        _nsid = new NsidTable(_costs, _structure);
        _locks.Setup.OnGranted = OnSetupLockGranted;
        _workerWait = new WaitQueue(_s);

        _loopbackType = DeviceType("loopback");
        _vethType = DeviceType("veth");
        _physicalType = DeviceType("physical");
        _ops = PernetOp.Resolve(_profile, m.TunnelModules, _profiler);
        _perNetBytes = _profile.Memory.NetBaseBytes + (_ops.Sum(o => (long)o.Spec.PerCpuSockets) * _possibleCpus * _profile.Memory.PerCpuSocketBytes);
        InitFunctions();

        _initNet = new Net(0) { State = NetState.Alive, HasUeventSocket = true, UeventListener = m.UeventListeners.Host };
        _uevents.ListenerNets = _initNet.UeventListener ? 1 : 0;
    }

    public RunResult Run()
    {
        var status = RunStatus.Ok;
        string? detail = null;
        try
        {
            ConfigurePolicy();
            _lockMode = DecideLockScope(0, new LockScope(_locks.SetupMode)).Mode;
            BuildInitialPopulation();
            _s.Spawn("kworker/u:netns", F.KworkerRoot, Worker());
            StartWorkload();

            var maxNs = (long)(_workload.Stop.MaxSimulatedSeconds * 1e9);
            var until = _workload.Stop.Mode == "duration" ? (long)(_workload.Stop.DurationMs * 1e6) : maxNs;
            var ended = _s.RunUntil(until, ShouldStop, _token, ReportProgress);
            if (_oomAt >= 0)
            {
                status = RunStatus.Oom;
                detail = $"memory limit of {_workload.Machine.MemoryLimitMb} MiB exceeded at {_oomAt / 1e9:F3} s with {_allocatedNets} namespaces allocated and a backlog of {_backlog}";
            }
            else if (_policyFault is not null)
            {
                status = RunStatus.PolicyFault;
                detail = _policyFault;
            }
            else if (!ended && _workload.Stop.Mode != "duration")
            {
                status = RunStatus.Stalled;
                detail = $"stopped at the simulated-time bound ({_workload.Stop.MaxSimulatedSeconds} s) before the workload drained; backlog {_backlog}";
            }

            CheckConservationAtEnd(status);
        }
        catch (PolicyFaultException)
        {
            status = RunStatus.PolicyFault;
            detail = _policyFault;
        }
        catch (OperationCanceledException)
        {
            status = RunStatus.Cancelled;
            detail = "cancelled";
        }
        catch (BudgetExceededException e)
        {
            status = RunStatus.BudgetExceeded;
            detail = e.Message;
        }

        return BuildResult(status, detail);
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

        var idle = !_workPending && !_workerBusy;
        if (!_workloadDone && _creationsInFlight - _probeInFlight == 0 && (_backlog - _probeBacklog == 0 || idle))
        {
            _workloadDone = true;
        }

        if (!_workloadDone || _creationsInFlight > 0 || _probeBusy)
        {
            return false;
        }

        if (_backlog == 0)
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
            fraction = _expectedNets > 0 ? (double)_netsFreed / _expectedNets : 0;
        }

        var phase = _teardownInProgress ? "tearing down" : _generatorsActive > 0 ? "running workload" : "draining";
        _progress.Report(new SimulationProgress(phase, _s.Now, Math.Clamp(fraction, 0, 1), _s.Events.Processed));
    }

    private RandomStream Stream(ulong id) => new(_request.Seed, _request.Replication, id);

    private DeviceTypeSpec DeviceType(string name) =>
        _profile.Devices.FirstOrDefault(d => d.Name == name)
        ?? throw new InputValidationException("machine.kernel_profile", $"profile '{_profile.Id}' defines no '{name}' device type");

    /// <summary>Scales a CPU cost for the debug kernel.</summary>
    private long Cpu(long ns) => _cpuMult == 1.0 ? ns : (long)(ns * _cpuMult);

    private long UeventCpu(long ns) => _ueventMult == 1.0 ? ns : (long)(ns * _ueventMult);

    private void ChargeMemory(long bytes)
    {
        _memory += bytes;
        if (_memory > _peakMemory)
        {
            _peakMemory = _memory;
        }

        if (_memoryLimit > 0 && _memory > _memoryLimit && _oomAt < 0)
        {
            _oomAt = _s.Now;
            _s.Halted = true;
        }

        Sample();
    }

    private void AddLive(Net net)
    {
        net.LiveIndex = _live.Count;
        _live.Add(net);
    }

    private void RemoveLive(Net net)
    {
        var i = net.LiveIndex;
        var last = _live[^1];
        _live[i] = last;
        last.LiveIndex = i;
        _live.RemoveAt(_live.Count - 1);
        net.LiveIndex = -1;
    }

    // IKernelState: the read-only view a policy decides on.
    long IKernelState.NowNs => _s.Now;

    string IKernelState.KernelProfileId => _profile.Id;

    int IKernelState.OnlineCpus => _s.Cpus;

    int IKernelState.CleanupQueueLength => _cleanupList.Count;

    int IKernelState.Backlog => _backlog;

    int IKernelState.LiveNets => _live.Count + 1;

    int IKernelState.CreatorsWaiting => _creatorsWaiting;

    long IKernelState.MemoryUsedBytes => _memory;

    long IKernelState.MemoryLimitBytes => _memoryLimit;

    int IKernelState.NetNamespacesCharged => _charged;

    int IKernelState.NetNamespaceLimit => _maxNetNamespaces;

    long IKernelState.NetsCreated => _netsCreated;

    long IKernelState.NetsFreed => _netsFreed;

    int IKernelState.BatchesCompleted => _batches;

    int IKernelState.LastBatchSize => _lastBatchSize;

    long IKernelState.LastBatchLockHoldNs => _lastBatchHold;

    int IKernelState.LockWaiters(KernelLock lockId) => _locks.Of(lockId).WaiterCount;

    long IKernelState.OldestLockWaitNs(KernelLock lockId) => _locks.Of(lockId).OldestWaitNs(_s.Now);
}
