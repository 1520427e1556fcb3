namespace NetnsPolicy.Sdk;

/// <summary>The sleeping locks of the netns paths whose contention a policy may observe.</summary>
public enum KernelLock
{
    /// <summary><c>net_mutex</c> (until 4.17) or <c>pernet_ops_rwsem</c> (4.18 on): serialises setup and cleanup.</summary>
    NetMutex,

    /// <summary>The global RTNL mutex.</summary>
    Rtnl,

    /// <summary>The global <c>uevent_sock_mutex</c> taken to broadcast one uevent.</summary>
    UeventSock,
}
