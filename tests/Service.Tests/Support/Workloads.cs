using System.Globalization;

namespace NetnsPolicy.Service.Tests.Support;

/// <summary>Tiny workloads so that the suite stays fast.</summary>
internal static class Workloads
{
    /// <summary>A burst of <paramref name="count"/> namespaces (lo only) destroyed at once on a 2-CPU machine.</summary>
    public static string Burst(int count, ulong seed = 1, int replications = 1, string profile = "v4.9", int cpus = 2, int maxNetNamespaces = 0, double maxSimulatedSeconds = 3600) => string.Create(CultureInfo.InvariantCulture, $$"""
        {
          // a test burst
          "format_version": 1,
          "name": "test-burst-{{count}}",
          "machine": { "cpus": {{cpus}}, "hz": 1000, "kernel_profile": "{{profile}}", "max_net_namespaces": {{maxNetNamespaces}} },
          "burst": { "count": {{count}}, "create_parallelism": 2, "destroy_after_ms": 5 },
          "stop": { "mode": "drain", "max_simulated_seconds": {{maxSimulatedSeconds}} },
          "seed": {{seed}},
          "replications": {{replications}}
        }
        """);

    /// <summary>
    /// A small burst plus <paramref name="actor"/> (a <c>"probe"</c> or <c>"rtnl_users"</c> member) running for
    /// 10⁹ simulated ms: only a budget stops it.
    /// </summary>
    public static string Storm(string actor, int burst = 10) => string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "format_version": 1,
          "name": "storm",
          "machine": { "cpus": 2, "hz": 1000, "kernel_profile": "v4.9" },
          "burst": { "count": {{burst}}, "create_parallelism": 2, "destroy_after_ms": 5 },
          {{actor}},
          "stop": { "mode": "duration", "duration_ms": 1000000000, "max_simulated_seconds": 1000000 }
        }
        """);
}
