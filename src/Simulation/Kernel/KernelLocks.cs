using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The sleeping locks of the netns paths (KERNEL-MODEL.md §2).</summary>
internal sealed class KernelLocks
{
    public KernelLocks(Scheduler s, StructureSpec structure)
    {
        Setup = new SleepLock(structure.SetupLock == SetupLockKind.Shared ? "pernet_ops_rwsem" : "net_mutex", s);
        Rtnl = new SleepLock("rtnl_mutex", s);
        UeventSock = new SleepLock("uevent_sock_mutex", s);
        NetRwsem = new SleepLock("net_rwsem", s);
        NetList = structure.NetListLock == NetListLockKind.Rtnl ? Rtnl : NetRwsem;
        SetupMode = structure.SetupLock == SetupLockKind.Shared ? LockMode.Shared : LockMode.Exclusive;
    }

    /// <summary>net_mutex (≤4.16) or pernet_ops_rwsem (4.17+): one rwsem, a mutex being its write-only use.</summary>
    public SleepLock Setup { get; }

    public SleepLock Rtnl { get; }

    public SleepLock UeventSock { get; }

    /// <summary>net_rwsem (4.17, f0b07bb151b0).</summary>
    public SleepLock NetRwsem { get; }

    /// <summary>The lock net_namespace_list changes under: RTNL (≤4.16) or net_rwsem.</summary>
    public SleepLock NetList { get; }

    /// <summary>The kernel's mode of the setup lock.</summary>
    public LockMode SetupMode { get; }

    /// <summary>The mode this run takes the setup lock in: the policy's lock scope at the start of the run.</summary>
    public LockMode RunMode { get; set; }

    public IEnumerable<SleepLock> All => [Setup, Rtnl, UeventSock, NetRwsem];

    public SleepLock Of(KernelLock id) => id switch
    {
        KernelLock.NetMutex => Setup,
        KernelLock.Rtnl => Rtnl,
        KernelLock.UeventSock => UeventSock,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "unknown lock"),
    };
}
