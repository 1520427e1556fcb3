namespace NetnsPolicy.Cluster.Tests.Sharding;

/// <summary>Tournament files for the sharding tests: shipped workloads shrunk to a few dozen namespaces.</summary>
internal static class ShardTournaments
{
    /// <summary>
    /// Two tracks × three entries × three replications. uevent-skip acts on a burst (must-act passes); batching with a
    /// batch larger than the burst never acts (must-act fails), so the gate results and the exit code are exercised.
    /// </summary>
    public static string Small(string description = "") => $$"""
        {
          "format_version": 1,
          "name": "small",
          "description": "{{description}}",
          "baseline": "upstream",
          "policies": [
            { "policy": "upstream" },
            { "policy": "uevent-skip" },
            { "policy": "batching", "sweep": { "batch_size": [100000] } }
          ],
          "tracks": [
            { "name": "burst", "workload": "seed-1000-maxcpus1", "workload_patch": { "name": "burst-16", "burst": { "count": 16 } } },
            { "name": "probe", "workload": "seed-1000-maxcpus1", "workload_patch": { "name": "burst-24-probe", "burst": { "count": 24 }, "probe": { "interval_ms": 5, "stop_ms": 200 } } }
          ],
          "replications": 3,
          "metrics": ["teardown_seconds", "creation_latency_max_ms", "peak_memory_mib"],
          "gates": [
            { "kind": "no-disqualified" },
            { "kind": "must-act" },
            { "kind": "max-regression", "metric": "creation_latency_max_ms", "max_percent": 5, "tracks": ["probe"] }
          ],
          "stability": { "resamples": 200, "seed": 1 }
        }
        """;
}
