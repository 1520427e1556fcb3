namespace NetnsPolicy.Sdk;

/// <summary>Which kobject of a net device a uevent is about (<c>netdev_unregister_kobject</c> removes all three kinds).</summary>
public enum KobjectKind
{
    /// <summary>The device's own kobject (<c>device_del</c>).</summary>
    Device,

    /// <summary>One receive queue (<c>net_rx_queue_update_kobjects</c>).</summary>
    RxQueue,

    /// <summary>One transmit queue (<c>netdev_queue_update_kobjects</c>).</summary>
    TxQueue,
}
