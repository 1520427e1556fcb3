using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>
/// The run-to-run variation model (src/Simulation/Engine/HostVariation.cs): replications of a burst differ under a
/// profile with variation, a seed still gives byte-identical JSON (also in parallel), and a profile without variation
/// (or with every part switched off) gives the results it gave before the model existed.
/// </summary>
[TestFixture]
public sealed class VariationTests
{
    private static readonly VariationSpec Spread = new() { RunCostCv = 0.1, OpCostCv = 0.5, GpCv = 0.3, CompetingCpus = 0.5, CompetingBurstUs = 2000, StallsPerSecond = 20, StallUs = 2000 };

    private static readonly Workload Burst = WorkloadLoader.Parse("""
        { "format_version": 1, "name": "burst-200-veth", "machine": { "cpus": 2, "hz": 250, "kernel_profile": "host-6.18", "uevent_listeners": { "host": false } },
          "burst": { "count": 200, "devices": { "veth_pairs": 1 }, "destroy_after_ms": 10 }, "probe": { "interval_ms": 5, "stop_ms": 900 },
          "stop": { "mode": "drain", "max_simulated_seconds": 600 }, "seed": 7 }
        """);

    // host-6.18's own variation off: the tests set the variation they need.
    private static KernelProfile Host => KernelProfileLoader.Load("host-6.18") with { Variation = null };

    private static string Json(KernelProfile p, int replication) =>
        RunResultJson.Serialize(SimulationEngine.Run(SimulationRequest.Upstream(Burst, p, replication)));

    [Test]
    public void Run_ReplicationsWithVariation_Differ()
    {
        var p = Host with { Variation = Spread };
        var runs = Enumerable.Range(0, 4).Select(i => SimulationEngine.Run(SimulationRequest.Upstream(Burst, p, i))).ToList();

        Assert.That(runs.Select(r => r.Status), Is.All.EqualTo(RunStatus.Ok));
        Assert.That(runs.Select(r => r.HostPeersGoneSeconds).Distinct().Count(), Is.EqualTo(4), "every replication's teardown differs");
        Assert.That(runs.Select(r => r.CreationLatencyMs.P50).Distinct().Count(), Is.GreaterThan(1));
    }

    [Test]
    public void Run_CreationLatencyWithVariation_HasSpread()
    {
        var r = SimulationEngine.Run(SimulationRequest.Upstream(Burst, Host with { Variation = Spread }));
        var without = SimulationEngine.Run(SimulationRequest.Upstream(Burst, Host));

        // Without variation every uncontended creation costs the same: the quantiles below the contended tail coincide.
        Assert.That(Distinct(r.Series.CreationCdf), Is.GreaterThan(Distinct(without.Series.CreationCdf)), "more distinct creation latencies with variation");
        Assert.That(r.CreationLatencyMs.P90, Is.GreaterThan(r.CreationLatencyMs.P50 * 1.05), "p90 above p50 with variation");
    }

    private static int Distinct(IReadOnlyList<double[]> cdf) => cdf.Where(p => p[1] <= 0.9).Select(p => p[0]).Distinct().Count();

    [Test]
    public void Run_SameSeedWithVariation_ByteIdenticalAlsoInParallel()
    {
        var p = Host with { Variation = Spread };
        var serial = Enumerable.Range(0, 4).Select(i => Json(p, i)).ToArray();
        var parallel = new string[8];
        Parallel.For(0, 8, i => parallel[i] = Json(p, i % 4));

        for (var i = 0; i < 8; i++)
        {
            Assert.That(parallel[i], Is.EqualTo(serial[i % 4]), $"replication {i % 4}, parallel run {i}");
        }
    }

    [Test]
    public void Run_VariationAllZero_ByteIdenticalToNoVariation()
    {
        // Every hook is neutral when its part is off: no draw, no competing thread, costs and grace periods unchanged.
        var off = Host with { Variation = new VariationSpec() };

        Assert.That(Json(off, 0), Is.EqualTo(Json(Host, 0)));
        Assert.That(Json(off, 3), Is.EqualTo(Json(Host, 3)));
    }

    [Test]
    public void Run_Stalls_DelayTheWorkRunningAtTheirStart()
    {
        // Only stalls vary: 200 stalls/s of 2 ms (40 % of the time) against none.
        var stalls = Host with { Variation = new VariationSpec { StallsPerSecond = 200, StallUs = 2000 } };
        var r = SimulationEngine.Run(SimulationRequest.Upstream(Burst, stalls));
        var without = SimulationEngine.Run(SimulationRequest.Upstream(Burst, Host));

        Assert.That(r.Status, Is.EqualTo(RunStatus.Ok));
        Assert.That(r.HostPeersGoneSeconds, Is.GreaterThan(without.HostPeersGoneSeconds * 1.2), "the teardown is stalled too");
        Assert.That(r.CreationLatencyMs.P99, Is.GreaterThan(without.CreationLatencyMs.P99), "creations met stalls");
        Assert.That(r.Profile.Children.Select(c => c.Name), Has.Member("host_stall"), "stalled time is charged to host_stall");
    }

    [TestCase("variation.stalls_per_second")]
    [TestCase("variation.stall_us")]
    public void Parse_BadStall_NamesTheField(string field)
    {
        var v = field == "variation.stall_us" ? new VariationSpec { StallsPerSecond = 1, StallUs = 0 } : new VariationSpec { StallsPerSecond = -1 };
        var e = Assert.Throws<InputValidationException>(() => KernelProfileLoader.Parse(ProfileWriter.Serialize(Host with { Variation = v })))!;
        Assert.That(e.Errors.Select(x => x.Field), Has.Member(field));
    }

    [Test]
    public void Parse_NegativeVariation_NamesTheField()
    {
        var e = Assert.Throws<InputValidationException>(() => KernelProfileLoader.Parse(ProfileWriter.Serialize(Host with { Variation = new VariationSpec { GpCv = -1 } })))!;
        Assert.That(e.Errors.Select(x => x.Field), Has.Member("variation.gp_cv"));
    }

    [Test]
    public void CvFromCdf_UniformOnZeroToTwo_IsOneOverSqrtThree()
    {
        var cdf = new List<double[]> { new[] { 0.0, 0 }, new[] { 2.0, 1 } };

        Assert.That(NetnsPolicy.Calibration.Spread.CvFromCdf(cdf), Is.EqualTo(1 / Math.Sqrt(3)).Within(1e-9));
        Assert.That(NetnsPolicy.Calibration.Spread.CvOfSamples([3, 3, 3, 3]), Is.Zero);
    }
}
