namespace NetnsPolicy.Sdk;

/// <summary>How a driver's devices of a batch are unregistered.</summary>
public enum UnregisterGrouping
{
    /// <summary>One RTNL hold and one <c>unregister_netdevice_many</c> round per dying net (4.9 tunnels).</summary>
    PerNet,

    /// <summary>One round for the whole batch (<c>exit_batch</c>, commit bb401caefe9d).</summary>
    PerBatch,
}
