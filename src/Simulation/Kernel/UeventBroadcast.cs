namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// The uevent netlink sockets (lib/kobject_uevent.c: <c>uevent_sock_list</c>, one per netns) and what broadcasting
/// to them cost: one socket per net, the nets with a listener, and the counters of the uevents sent.
/// </summary>
internal sealed class UeventBroadcast
{
    /// <summary>uevent sockets on uevent_sock_list (init_net's included).</summary>
    public int Sockets { get; set; } = 1;

    /// <summary>Nets with a uevent listener (netlink_has_listeners is per protocol: any listener counts for all).</summary>
    public int ListenerNets { get; set; }

    public long Sent { get; set; }

    public long Suppressed { get; set; }

    public long SocketVisits { get; set; }

    public long SkbAllocations { get; set; }

    public void AddSocket(Net net)
    {
        net.HasUeventSocket = true;
        Sockets++;
    }

    public void RemoveSocket(Net net)
    {
        if (net.HasUeventSocket)
        {
            net.HasUeventSocket = false;
            Sockets--;
        }
    }

    public void AddListener(Net net)
    {
        net.UeventListener = true;
        ListenerNets++;
    }

    public void RemoveListener(Net net)
    {
        if (net.UeventListener)
        {
            net.UeventListener = false;
            ListenerNets--;
        }
    }
}
