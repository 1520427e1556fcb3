using NetnsPolicy.PluginHost;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Policies.Tests;

/// <summary>
/// Runs shipped policies (loaded as plugins, exactly as a user gets them) on the seed thread's scenarios. Results are
/// cached per (workload, spec, parameters): several assertions look at the same runs.
/// </summary>
internal static class SeedScenario
{
    private static readonly Lazy<PluginCatalog> Catalog = new(() => new PluginCatalog(new PluginCatalogOptions
    {
        PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"),
        Watch = false,
    }));

    private static readonly Lazy<PluginCatalog> TestCatalog = new(() => new PluginCatalog(new PluginCatalogOptions
    {
        PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "testplugins"),
        Watch = false,
    }));

    private static readonly Dictionary<(Workload, string), RunResult> Cache = [];

    /// <summary>
    /// The seed's measurement (v4.9, one online CPU, 1000 nets with only lo, destroyed at once: 2.8 s, 1.2 s without
    /// uevents) with a creation probe every 10 ms, to measure what creators wait.
    /// </summary>
    public static Workload MaxCpus1 { get; } = WorkloadLoader.Load("seed-1000-maxcpus1") with { Name = "seed-1000-maxcpus1-probe", Probe = new ProbeSpec { IntervalMs = 10 } };

    /// <summary>The seed's 4-thread laptop with a debug kernel: several CPUs, so grace periods take real time.</summary>
    public static Workload Debug { get; } = WorkloadLoader.Load("seed-1000-debug");

    /// <summary>1000 nets with a veth pair each (peer in the host) and tunnels, 4 CPUs, a probe.</summary>
    public static Workload Veth { get; } = WorkloadLoader.Load("burst-1000-veth");

    public static RunResult Run(Workload workload, string policy, Dictionary<string, string>? parameters = null, bool testPlugin = false)
    {
        var key = (workload, $"{policy}|{string.Join(",", parameters ?? [])}|{testPlugin}");
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        using var lease = (testPlugin ? TestCatalog : Catalog).Value.Acquire(policy, parameters);
        var profile = KernelProfileLoader.Load(workload.Machine.KernelProfile);
        var result = new PolicyRunner().Run(new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, workload.Seed));
        lock (Cache)
        {
            Cache[key] = result;
        }

        return result;
    }

    /// <summary>Unloads the plugins and removes their shadow copies.</summary>
    public static void DisposeCatalogs()
    {
        foreach (var catalog in new[] { Catalog, TestCatalog }.Where(c => c.IsValueCreated))
        {
            catalog.Value.Dispose();
        }
    }

    public static Dictionary<string, string> BatchSize(int size) => new() { ["batch_size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
