using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Calibration;

/// <summary>How each measured quantity is read from a simulated run of the same experiment.</summary>
public static class Quantities
{
    public const string CreationMsP50 = "creation_ms_p50";
    public const string CreationMsMean = "creation_ms_mean";
    public const string CreationMsP99 = "creation_ms_p99";
    public const string CreationMsMax = "creation_ms_max";
    /// <summary>Release until the last host-side veth peer left /sys/class/net (simulated: RunResult.HostPeersGoneSeconds).</summary>
    public const string PeersGoneSeconds = "peers_gone_s";
    public const string BytesPerNetns = "bytes_per_netns";

    /// <summary>The simulated value, or null when the simulation has no counterpart.</summary>
    public static double? Predict(string name, RunResult r, Experiment e) => name switch
    {
        CreationMsP50 => r.CreationLatencyMs.P50,
        CreationMsMean => r.CreationLatencyMs.Mean,
        CreationMsP99 => r.CreationLatencyMs.P99,
        CreationMsMax => r.CreationLatencyMs.Max,
        PeersGoneSeconds => r.HostPeersGoneSeconds,
        BytesPerNetns => e.Kind == "memory" && r.NetsCreated > 0 ? (double)r.PeakMemoryBytes / r.NetsCreated : null,
        _ => null,
    };
}
