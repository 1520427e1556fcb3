using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Workloads;

[TestFixture]
public sealed class WorkloadLoaderTests
{
    private const string Valid = """
        { "format_version": 1, "name": "t", "machine": { "cpus": 2 }, "burst": { "count": 10 } }
        """;

    [Test]
    public void Parse_ValidMinimalWorkload_UsesDocumentedDefaults()
    {
        var w = WorkloadLoader.Parse(Valid);
        Assert.That(w.Machine.KernelProfile, Is.EqualTo("v4.9"));
        Assert.That(w.Machine.Hz, Is.EqualTo(1000));
        Assert.That(w.Stop.Mode, Is.EqualTo("drain"));
    }

    [Test]
    public void Load_EveryShippedWorkload_IsValid()
    {
        Assert.That(WorkloadLoader.BuiltInNames, Is.SupersetOf(new[]
        {
            "seed-1000-maxcpus1", "seed-1000-debug", "burst-1000-veth", "vsftpd-churn", "container-churn", "serial-unshare-1000",
        }));
        foreach (var name in WorkloadLoader.BuiltInNames)
        {
            Assert.That(() => WorkloadLoader.Load(name), Throws.Nothing, name);
        }
    }

    [TestCase("", "$", "empty")]
    [TestCase("{", "$", "invalid workload")]
    [TestCase("""{ "format_version": 2, "name": "t", "burst": { "count": 1 } }""", "format_version", "must be 1")]
    [TestCase("""{ "name": "t", "machine": { "cpus": 0 }, "burst": { "count": 1 } }""", "machine.cpus", "between 1 and 4096")]
    [TestCase("""{ "name": "t", "machine": { "cpus": -3 }, "burst": { "count": 1 } }""", "machine.cpus", "got -3")]
    [TestCase("""{ "name": "t", "machine": { "hz": 999 }, "burst": { "count": 1 } }""", "machine.hz", "one of")]
    [TestCase("""{ "name": "t", "burst": { "count": 0 } }""", "burst.count", "between 1 and")]
    [TestCase("""{ "name": "t", "burst": { "count": 2000000 } }""", "burst.count", "between 1 and 1000000")]
    [TestCase("""{ "name": "t", "burst": { "count": 5, "devices": { "veth_pairs": -1 } } }""", "burst.devices.veth_pairs", "between 0 and 256")]
    [TestCase("""{ "name": "t", "churn": { "arrivals_per_second": 10, "duration_ms": 100, "lifetime": { "distribution": "pareto" } } }""", "churn.lifetime.distribution", "pareto")]
    [TestCase("""{ "name": "t", "burst": { "count": 1 }, "stop": { "mode": "forever" } }""", "stop.mode", "drain or duration")]
    [TestCase("""{ "name": "t", "burst": { "count": 1 }, "bogus": 1 }""", "bogus", "unknown field 'bogus' in the workload")]
    [TestCase("""{ "name": "t", "burst": { "count": "ten" } }""", "burst.count", "invalid workload")]
    [TestCase("""{ "name": "t", "burst": { "count": 5, "release": "kill" } }""", "burst.release", "\"exit\" or \"umount\"")]
    [TestCase("""{ "name": "t", "burst": { "count": 5, "destroy_after_ms": 10, "profile_before_release_ms": 20 } }""", "burst.profile_before_release_ms", "burst.destroy_after_ms (10)")]
    [TestCase("""{ "name": "t", "burst": { "count": 5, "profile_after_peers_gone_ms": -1 } }""", "burst.profile_after_peers_gone_ms", "got -1")]
    [TestCase("""{ "name": "t", "loops": { "count": 1, "cycles": 5, "gap_quantiles_ms": [1] } }""", "loops.gap_quantiles_ms", "between 2 and 1001 quantiles, got 1")]
    [TestCase("""{ "name": "t", "loops": { "count": 1, "cycles": 5, "gap_quantiles_ms": [0.1, -2] } }""", "loops.gap_quantiles_ms[1]", "got -2")]
    [TestCase("""{ "name": "t", "loops": { "count": 1, "cycles": 5, "gap_quantiles_ms": [0.5, 0.2, 3] } }""", "loops.gap_quantiles_ms[1]", "must not decrease: 0.2 after 0.5")]
    [TestCase("""{ "name": "t" }""", "$", "does nothing")]
    [TestCase("""{ "name": "", "burst": { "count": 1 } }""", "name", "non-empty")]
    [TestCase("""{ "name": "t", "probe": { "interval_ms": 10 } }""", "probe.stop_ms", "probe-only")]
    [TestCase("""{ "name": "t", "burst": { "count": 1 }, "replications": 0 }""", "replications", "between 1 and")]
    public void Parse_BadInput_NamesTheField(string json, string field, string reason)
    {
        var e = Assert.Throws<InputValidationException>(() => WorkloadLoader.Parse(json))!;
        Assert.That(e.Errors.Select(x => x.Field), Does.Contain(field), e.Message);
        Assert.That(e.Errors.First(x => x.Field == field).Message, Does.Contain(reason));
    }

    [Test]
    public void Load_UnknownName_ListsTheShippedWorkloads()
    {
        var e = Assert.Throws<InputValidationException>(() => WorkloadLoader.Load("no-such-workload"))!;
        Assert.That(e.Message, Does.Contain("seed-1000-maxcpus1"));
    }
}
