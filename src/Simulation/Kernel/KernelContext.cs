using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// What every subsystem of one run shares and none owns: the engine (scheduler, RCU, profiler), the profile, the
/// machine, the locks, the policy, the oracles and the namespaces' accounting. The subsystems' own state lives in
/// their types (<see cref="NetCleanup"/>, <see cref="DeviceUnregistration"/>, <see cref="UeventBroadcast"/>…).
/// </summary>
internal sealed class KernelContext
{
    private readonly double _cpuMult;
    private readonly double _ueventMult;
    private readonly SimulationRequest _request;

    public KernelContext(SimulationRequest request, Scheduler s, Rcu rcu, KernelLocks locks, PolicyGate policy, OracleLog oracles, NetnsAccounting accounting)
    {
        _request = request;
        Profile = request.Profile;
        Machine = request.Workload.Machine;
        S = s;
        Rcu = rcu;
        Locks = locks;
        Policy = policy;
        Oracles = oracles;
        Accounting = accounting;
        PossibleCpus = Machine.PossibleCpus == 0 ? Machine.Cpus : Machine.PossibleCpus;
        _cpuMult = Machine.DebugKernel ? Profile.Debug.CpuMultiplier : 1.0;
        _ueventMult = Machine.DebugKernel ? Profile.Debug.UeventMultiplier : 1.0;
        InitNet = accounting.Nets.AddNet(0);
        InitNet.State = NetState.Alive;
        InitNet.HasUeventSocket = true;
        InitNet.UeventListener = Machine.UeventListeners.Host;
    }

    public KernelProfile Profile { get; }

    public StructureSpec Structure => Profile.Structure;

    public CoreCosts Costs => Profile.Costs;

    public MachineSpec Machine { get; }

    public Scheduler S { get; }

    public Rcu Rcu { get; }

    public Profiler Profiler => S.Profiler;

    /// <summary>
    /// A non-preemptible kernel (<see cref="StructureSpec.Preemption"/> none): the kernel's cond_resched() calls are
    /// steps (<see cref="Step.CondResched"/>), its only scheduling points besides sleeps; otherwise none is yielded.
    /// </summary>
    public bool CondReschedSteps => Structure.Preemption == PreemptionModel.None;

    /// <summary>Set once the pernet ops have interned their names (see <see cref="KernelFunctions"/>).</summary>
    public KernelFunctions F { get; set; } = null!;

    public KernelLocks Locks { get; }

    public PolicyGate Policy { get; }

    public OracleLog Oracles { get; }

    public NetnsAccounting Accounting { get; }

    /// <summary>Per-CPU data is allocated for the possible CPUs.</summary>
    public int PossibleCpus { get; }

    /// <summary>init_net: its devices are not tracked (the model never walks the host's devices).</summary>
    public Net InitNet { get; }

    /// <summary>Scales a CPU cost for the debug kernel.</summary>
    public long Cpu(long ns) => _cpuMult == 1.0 ? ns : (long)(ns * _cpuMult);

    public long UeventCpu(long ns) => _ueventMult == 1.0 ? ns : (long)(ns * _ueventMult);

    /// <summary>The seeded stream of one consumer: adding one never shifts another's draws.</summary>
    public RandomStream Stream(ulong id) => new(_request.Seed, _request.Replication, id);

    public void Violation(string rule, string objects, string message) => Oracles.Violation(rule, objects, message);
}
