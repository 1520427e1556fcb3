namespace NetnsPolicy.Sdk;

/// <summary>How RTNL is held around the waits of an unregister round.</summary>
public enum RtnlScope
{
    /// <summary>Hold RTNL across the whole round, its grace periods and backlog flush included (≤ 6.13).</summary>
    HoldAcrossPhase,

    /// <summary>Drop RTNL around the grace periods and the backlog flush (6.14+, commit cfa579f66656 series).</summary>
    DropAroundWaits,
}
