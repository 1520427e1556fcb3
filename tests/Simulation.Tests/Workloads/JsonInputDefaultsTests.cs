using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Workloads;

/// <summary>
/// Reading through generated metadata plus the defaults step (<see cref="JsonInput"/>) gives what reflection-based
/// reading gave: compared as the JSON both values serialize to, so every property counts.
/// </summary>
[TestFixture]
public sealed class JsonInputDefaultsTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonInput.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static IEnumerable<string> ShippedWorkloads() => WorkloadLoader.BuiltInNames;

    private static IEnumerable<string> ShippedProfiles() => KernelProfileLoader.BuiltInIds;

    [TestCaseSource(nameof(ShippedWorkloads))]
    public void Parse_ShippedWorkload_EqualsReflectionReading(string name)
    {
        var json = WorkloadLoader.ReadBuiltIn(name)!;
        Assert.That(Written(JsonInput.Parse<Workload>(json, "workload")), Is.EqualTo(Written(JsonSerializer.Deserialize<Workload>(json, Reflection)!)));
    }

    [TestCaseSource(nameof(ShippedProfiles))]
    public void Parse_ShippedProfile_EqualsReflectionReading(string id)
    {
        var json = KernelProfileLoader.ReadBuiltIn(id)!;
        Assert.That(Written(JsonInput.Parse<KernelProfile>(json, "kernel profile")), Is.EqualTo(Written(JsonSerializer.Deserialize<KernelProfile>(json, Reflection)!)));
    }

    [TestCase("""{ "name": "t", "burst": { "count": 10 } }""")]
    [TestCase("""{ "name": "t", "machine": { "cpus": 2, "uevent_listeners": { "netns_fraction": 0.5 } }, "churn": { "arrivals_per_second": 5, "duration_ms": 100, "lifetime": {} } }""")]
    [TestCase("""{ "name": "t", "machine": { "hz": 0, "kernel_profile": "v7.0" }, "loops": { "cycles": 3 }, "stop": { "mode": "duration", "duration_ms": 5 }, "seed": 0 }""")]
    [TestCase("""{ "name": "t", "burst": null, "probe": { "interval_ms": 1, "stop_ms": 2 }, "rtnl_users": { "count": 1 } }""")]
    public void Parse_PartialWorkload_KeepsInitializersOfLeftOutFieldsOnly(string json)
    {
        Assert.That(Written(JsonInput.Parse<Workload>(json, "workload")), Is.EqualTo(Written(JsonSerializer.Deserialize<Workload>(json, Reflection)!)));
    }

    [Test]
    public void Parse_PartialWorkload_SetsTheInitializersValues()
    {
        var w = JsonInput.Parse<Workload>("""{ "name": "t", "machine": { "cpus": 2 }, "burst": { "count": 10 }, "seed": 0 }""", "workload");
        Assert.That((w.Machine.Hz, w.Machine.KernelProfile, w.Machine.UeventListeners.Host, w.Burst!.CreateParallelism, w.Burst.DestroyAfterMs), Is.EqualTo((1000, "v4.9", true, 1, 10.0)));
        Assert.That((w.Stop.Mode, w.Stop.MaxSimulatedSeconds, w.Replications, w.FormatVersion), Is.EqualTo(("drain", 3600.0, 1, 1)));
        Assert.That(w.Seed, Is.Zero, "a value the document sets to the type's default stays");
    }

    [Test]
    public void Parse_ProfileWithLeftOutItemFields_FillsEachItem()
    {
        var json = """{ "id": "x", "devices": [{ "name": "lo" }, { "name": "veth", "rx_queues": 4 }], "pernet_ops": [{ "name": "a" }] }""";
        var p = JsonInput.Parse<KernelProfile>(json, "kernel profile");
        Assert.That(p.Devices.Select(d => (d.RxQueues, d.TxQueues)), Is.EqualTo(new[] { (1, 1), (4, 1) }));
        Assert.That((p.PernetOps[0].Behaviour, p.Rcu.SingleCpuShortcut, p.DefaultMaxNetNamespaces), Is.EqualTo((PernetOpBehaviour.Plain, true, 63_000)));
        Assert.That(Written(p), Is.EqualTo(Written(JsonSerializer.Deserialize<KernelProfile>(json, Reflection)!)));
    }

    private static string Written<T>(T value) => JsonSerializer.Serialize(value, Reflection);
}
