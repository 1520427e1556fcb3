using NetnsPolicy.Simulation.Engine;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// What netdev_run_todo and netdev_wait_allrefs leave behind (net/core/dev.c): the devices that had to wait for
/// their references, the "waiting for dev to become free" warnings, the time spent waiting, and when the last
/// host-side device left sysfs.
/// </summary>
internal sealed class DeviceUnregistration
{
    public long DevicesWaited { get; set; }

    public long UnregisterWarnings { get; set; }

    public long RefWaitNs { get; set; }

    /// <summary>When device_del last removed a host-side device (/sys/class/net/&lt;peer&gt;), or -1.</summary>
    public long LastHostPeerGone { get; set; } = -1;

    /// <summary>The random stream deciding which devices leak a reference (created on first use).</summary>
    public RandomStream? LeakRandom { get; set; }
}
