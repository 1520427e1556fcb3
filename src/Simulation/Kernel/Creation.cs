namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The outcome of one copy_net_ns, filled in by the coroutine.</summary>
internal sealed class Creation(bool measured, bool probe = false)
{
    public bool Measured { get; } = measured;

    public bool Probe { get; } = probe;

    public Net? Net { get; set; }

    public bool Failed { get; set; }
}
