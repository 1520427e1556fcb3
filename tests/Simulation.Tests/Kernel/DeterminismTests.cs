using System.Collections.Concurrent;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>Same inputs, same bytes — also in parallel; different seeds differ where the workload is random.</summary>
[TestFixture]
public sealed class DeterminismTests
{
    private static Workload SmallChurn() => Sim.Workload("vsftpd-churn") with
    {
        Churn = Sim.Workload("vsftpd-churn").Churn! with { DurationMs = 2000 },
    };

    [Test]
    public void Json_SameWorkloadAndSeed_IsByteIdentical()
    {
        var a = RunResultJson.Serialize(Sim.Run(SmallChurn()));
        var b = RunResultJson.Serialize(Sim.Run(SmallChurn()));
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Json_ManyRunsInParallel_EqualSequentialRuns()
    {
        var seeds = Enumerable.Range(1, 8).Select(i => (ulong)i).ToArray();
        var sequential = seeds.Select(s => RunResultJson.Serialize(Sim.Run(SmallChurn(), seed: s))).ToArray();
        var parallel = new ConcurrentDictionary<ulong, string>();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, s => parallel[s] = RunResultJson.Serialize(Sim.Run(SmallChurn(), seed: s)));
        for (var i = 0; i < seeds.Length; i++)
        {
            Assert.That(parallel[seeds[i]], Is.EqualTo(sequential[i]), $"seed {seeds[i]}");
        }
    }

    [Test]
    public void Json_DifferentSeedsOnRandomWorkload_Differ()
    {
        var a = Sim.Run(SmallChurn(), seed: 1);
        var b = Sim.Run(SmallChurn(), seed: 2);
        Assert.That(a.CreationLatencyMs, Is.Not.EqualTo(b.CreationLatencyMs));
        Assert.That(RunResultJson.Serialize(a), Is.Not.EqualTo(RunResultJson.Serialize(b)));
    }

    [Test]
    public void Json_RoundTrip_PreservesEveryField()
    {
        var json = RunResultJson.Serialize(Sim.Run(SmallChurn()));
        Assert.That(RunResultJson.Serialize(RunResultJson.Deserialize(json)), Is.EqualTo(json));
    }

    [Test]
    public void Json_Schema_HasTheDocumentedTopLevelFields()
    {
        var json = System.Text.Json.JsonDocument.Parse(RunResultJson.Serialize(Sim.Run(SmallChurn())));
        string[] fields =
        [
            "schema_version", "teardown_seconds", "cleanup_latency_ms", "creation_latency_ms", "throughput_netns_per_second",
            "peak_memory_bytes", "peak_backlog", "enospc_failures", "oom", "locks", "rcu", "uevents", "profile", "decisions",
            "oracle_violations",
        ];
        foreach (var f in fields)
        {
            Assert.That(json.RootElement.TryGetProperty(f, out _), Is.True, f);
        }

        foreach (var p in new[] { "count", "mean", "p50", "p90", "p99", "p999", "max" })
        {
            Assert.That(json.RootElement.GetProperty("creation_latency_ms").TryGetProperty(p, out _), Is.True, p);
        }
    }
}
