using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// One run of the kernel model: the v4.9 <c>cleanup_net</c> and <c>copy_net_ns</c> paths (KERNEL-MODEL.md §3–4) with the
/// era's structural switches from the profile, driven by the workload, with the policy deciding at the §7 points.
/// It composes the kernel's subsystems, each a type owning its state — <see cref="NetSetup"/> (copy_net_ns),
/// <see cref="NetCleanup"/> (cleanup_net), <see cref="DeviceRegistration"/> and <see cref="DeviceUnregistration"/>
/// (net/core/dev.c), <see cref="UeventBroadcast"/>, <see cref="NsidTable"/>, <see cref="KernelLocks"/>,
/// <see cref="NetRcu"/> — and runs the workload's generators (partial file Workload) and builds the result (Result).
/// </summary>
internal sealed partial class KernelSimulation : IKernelState
{
    private readonly SimulationRequest _request;
    private readonly Workload _workload;
    private readonly KernelProfile _profile;
    private readonly CancellationToken _token;
    private readonly IProgress<SimulationProgress>? _progress;
    private readonly Scheduler _s;
    private readonly Profiler _profiler;
    private readonly Rcu _rcu;
    private readonly ICleanupPolicy _policy;

    // The kernel's subsystems, each owning its state.
    private readonly KernelContext _k;
    private readonly PolicyGate _gate;
    private readonly OracleLog _oracles;
    private readonly NetnsAccounting _accounting;
    private readonly KernelLocks _locks;
    private readonly NsidTable _nsid;
    private readonly NetRcu _netRcu;
    private readonly UeventBroadcast _uevents;
    private readonly DeviceRegistration _registration;
    private readonly DeviceUnregistration _devices;
    private readonly NetSetup _setup;
    private readonly NetCleanup _cleanup;

    private readonly DeviceTypeSpec _vethType;
    private readonly DeviceTypeSpec _physicalType;
    private readonly DeviceTypeSpec _loopbackType;
    private readonly int _maxNetNamespaces;

    public KernelSimulation(SimulationRequest request, CancellationToken token, IProgress<SimulationProgress>? progress, SimulationBudget? budget = null)
    {
        _request = request;
        _workload = request.Workload;
        _profile = request.Profile;
        _token = token;
        _progress = progress;
        _policy = request.Policy;

        // Construction order is part of the run's output: the engine's threads spawn, and the profiler numbers its
        // functions, in this order (the RCU thread, host variation, the pernet ops, then the kernel functions).
        var m = _workload.Machine;
        _maxNetNamespaces = m.MaxNetNamespaces == 0 ? _profile.DefaultMaxNetNamespaces : m.MaxNetNamespaces;
        _profiler = new Profiler();
        _s = new Scheduler(m.Cpus, _profile.Costs.SchedSliceNs, _profiler) { Budget = budget ?? SimulationBudget.Unlimited };
        _rcu = new Rcu(_s, _profile.Rcu, m.Hz, new RandomStream(request.Seed, request.Replication, StreamIds.Rcu));
        _s.Rcu = _rcu;
        _s.PreemptAtCondReschedOnly = _profile.Structure.Preemption == PreemptionModel.None;
        HostVariation.Attach(_profile.Variation, _s, _request.Seed, _request.Replication);
        _locks = new KernelLocks(_s, _profile.Structure);
        _rcu.TicksOnly = t => t.Name == "kworker/u:netns";
        _nsid = new NsidTable(_profile.Costs, _profile.Structure);
        _locks.Setup.OnGranted = OnSetupLockGranted;
        _gate = new PolicyGate(this, _policy, _s, _locks);
        _oracles = new OracleLog(_s);
        _accounting = new NetnsAccounting(_s, m.MemoryLimitMb * 1024L * 1024L, 1 + (_workload.InitialPopulation?.Count ?? 0) + (_workload.Burst?.Count ?? 0));
        _k = new KernelContext(request, _s, _rcu, _locks, _gate, _oracles, _accounting);

        _loopbackType = DeviceType("loopback");
        _vethType = DeviceType("veth");
        _physicalType = DeviceType("physical");
        var ops = PernetOp.Resolve(_profile, m.TunnelModules, _profiler);
        var perNetBytes = _profile.Memory.NetBaseBytes + (ops.Sum(o => (long)o.Spec.PerCpuSockets) * _k.PossibleCpus * _profile.Memory.PerCpuSocketBytes);
        _k.F = new KernelFunctions(_profiler);

        _netRcu = new NetRcu(_k);
        _uevents = new UeventBroadcast(_k) { ListenerNets = _k.InitNet.UeventListener ? 1 : 0 };
        _registration = new DeviceRegistration(_k, _uevents, _netRcu);
        _devices = new DeviceUnregistration(_k, _uevents, _registration, _netRcu);
        _setup = new NetSetup(_k, ops, _nsid, _uevents, _registration, _loopbackType, _maxNetNamespaces, perNetBytes);
        _cleanup = new NetCleanup(_k, ops, _nsid, _uevents, _devices, _netRcu, _workload.Burst is not null);
    }

    private KernelFunctions F => _k.F;

    public RunResult Run()
    {
        var status = RunStatus.Ok;
        string? detail = null;
        try
        {
            _gate.Configure(_request.Parameters);
            _locks.RunMode = _gate.DecideLockScope(0, new LockScope(_locks.SetupMode)).Mode;
            BuildInitialPopulation();
            _cleanup.WorkerThread = _s.Spawn("kworker/u:netns", F.KworkerRoot, _cleanup.Worker());
            StartWorkload();

            var maxNs = (long)(_workload.Stop.MaxSimulatedSeconds * 1e9);
            var until = _workload.Stop.Mode == "duration" ? (long)(_workload.Stop.DurationMs * 1e6) : maxNs;
            var ended = _s.RunUntil(until, ShouldStop, _token, ReportProgress);
            if (_accounting.OomAt >= 0)
            {
                status = RunStatus.Oom;
                detail = $"memory limit of {_workload.Machine.MemoryLimitMb} MiB exceeded at {_accounting.OomAt / 1e9:F3} s with {_accounting.Allocated} namespaces allocated and a backlog of {_accounting.Backlog}";
            }
            else if (_gate.Fault is not null)
            {
                status = RunStatus.PolicyFault;
                detail = _gate.Fault;
            }
            else if (!ended && _workload.Stop.Mode != "duration")
            {
                status = RunStatus.Stalled;
                detail = $"stopped at the simulated-time bound ({_workload.Stop.MaxSimulatedSeconds} s) before the workload drained; backlog {_accounting.Backlog}";
            }

            CheckConservationAtEnd(status);
        }
        catch (PolicyFaultException)
        {
            status = RunStatus.PolicyFault;
            detail = _gate.Fault;
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

    private DeviceTypeSpec DeviceType(string name) =>
        _profile.Devices.FirstOrDefault(d => d.Name == name)
        ?? throw new InputValidationException("machine.kernel_profile", $"profile '{_profile.Id}' defines no '{name}' device type");

    private void OnSetupLockGranted(KThread t, bool write)
    {
        // Exclusion oracle (§8): under the exclusive lock, setup never overlaps a teardown batch.
        if (_locks.RunMode == LockMode.Exclusive && _cleanup.TeardownInProgress && t.Name != "kworker/u:netns")
        {
            _oracles.Violation(OracleRule.Exclusion, t.Name, "setup_net took net_mutex while a cleanup_net batch was still tearing down");
        }
    }

    // IKernelState: the read-only view a policy decides on.
    long IKernelState.NowNs => _s.Now;

    string IKernelState.KernelProfileId => _profile.Id;

    int IKernelState.OnlineCpus => _s.Cpus;

    int IKernelState.CleanupQueueLength => _cleanup.CleanupList.Count;

    int IKernelState.Backlog => _accounting.Backlog;

    int IKernelState.LiveNets => _accounting.LiveCount + 1;

    int IKernelState.CreatorsWaiting => _setup.CreatorsWaiting;

    long IKernelState.MemoryUsedBytes => _accounting.Memory;

    long IKernelState.MemoryLimitBytes => _accounting.MemoryLimit;

    int IKernelState.NetNamespacesCharged => _accounting.Charged;

    int IKernelState.NetNamespaceLimit => _maxNetNamespaces;

    long IKernelState.NetsCreated => _setup.NetsCreated;

    long IKernelState.NetsFreed => _cleanup.NetsFreed;

    int IKernelState.BatchesCompleted => _cleanup.Batches;

    int IKernelState.LastBatchSize => _cleanup.LastBatchSize;

    long IKernelState.LastBatchLockHoldNs => _cleanup.LastBatchHold;

    int IKernelState.LockWaiters(KernelLock lockId) => _locks.Of(lockId).WaiterCount;

    long IKernelState.OldestLockWaitNs(KernelLock lockId) => _locks.Of(lockId).OldestWaitNs(_s.Now);
}
