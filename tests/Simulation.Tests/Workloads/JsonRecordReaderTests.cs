using System.Text.Json;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Workloads;

/// <summary>
/// <see cref="JsonRecordReader"/> reads what System.Text.Json's serializer reads with <see cref="JsonInput.Options"/>
/// (the formats' definition): the same values, compared as the JSON both serialize to so every field counts, and for
/// bad input the same path and reason.
/// </summary>
[TestFixture]
public sealed class JsonRecordReaderTests
{
    /// <summary>The formats' options, also writing infinities (1e400 reads as one, refused later by validation).</summary>
    private static readonly JsonSerializerOptions Written = new(JsonInput.Options) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static IEnumerable<string> ShippedWorkloads() => WorkloadLoader.BuiltInNames;

    private static IEnumerable<string> ShippedProfiles() => KernelProfileLoader.BuiltInIds;

    [TestCaseSource(nameof(ShippedWorkloads))]
    public void Read_ShippedWorkload_SameAsSerializer(string name) =>
        Assert.That(Outcome<Workload>(WorkloadLoader.ReadBuiltIn(name)!, Reader<Workload>), Is.EqualTo(Outcome<Workload>(WorkloadLoader.ReadBuiltIn(name)!, Serializer<Workload>)));

    [TestCaseSource(nameof(ShippedProfiles))]
    public void Read_ShippedProfile_SameAsSerializer(string id) =>
        Assert.That(Outcome<KernelProfile>(KernelProfileLoader.ReadBuiltIn(id)!, Reader<KernelProfile>), Is.EqualTo(Outcome<KernelProfile>(KernelProfileLoader.ReadBuiltIn(id)!, Serializer<KernelProfile>)));

    [TestCase("""{ "name": "t", "burst": { "count": 10 } }""")]
    [TestCase("""{ "name": "t", "machine": { "cpus": 2, "uevent_listeners": { "netns_fraction": 0.5 } }, "churn": { "arrivals_per_second": 5, "duration_ms": 100, "lifetime": {} } }""")]
    [TestCase("""{ "name": "t", "machine": { "hz": 0, "kernel_profile": "v7.0", "tunnel_modules": ["ipip", null] }, "loops": { "cycles": 3 }, "stop": { "mode": "duration", "duration_ms": 5 }, "seed": 0 }""")]
    [TestCase("""{ "name": "t", "burst": null, "probe": { "interval_ms": 1, "stop_ms": 2 }, "rtnl_users": { "count": 1 }, "name": "u", }  // last wins""")]
    [TestCase("null")]
    [TestCase("")]
    [TestCase("{")]
    [TestCase("""{ "name": "t" } x""")]
    [TestCase("""{ "name": 5 }""")]
    [TestCase("""{ "name": null, "description": "d" }""")]
    [TestCase("""{ "burst": { "count": "ten" } }""")]
    [TestCase("""{ "burst": { "count": 1.5 } }""")]
    [TestCase("""{ "burst": { "count": 1e3 } }""")]
    [TestCase("""{ "burst": { "count": null } }""")]
    [TestCase("""{ "burst": { "count": 99999999999 } }""")]
    [TestCase("""{ "burst": 5 }""")]
    [TestCase("""{ "burst": [] }""")]
    [TestCase("""{ "burst": { "count": 1, "devices": { "veth_pairs": true } } }""")]
    [TestCase("""{ "machine": { "tunnel_modules": {} } }""")]
    [TestCase("""{ "machine": { "tunnel_modules": [1] } }""")]
    [TestCase("""{ "machine": { "debug_kernel": "true" } }""")]
    [TestCase("""{ "machine": { "memory_limit_mb": -1, "hz": -0 } }""")]
    [TestCase("""{ "bogus": 1 }""")]
    [TestCase("""{ "burst": { "cuont": 1 } }""")]
    [TestCase("""{ "Name": "t" }""")]
    [TestCase("""{ "seed": -1 }""")]
    [TestCase("""{ "seed": 18446744073709551615 }""")]
    [TestCase("""{ "churn": { "arrivals_per_second": "5" } }""")]
    [TestCase("""{ "churn": { "arrivals_per_second": 1e400 } }""")]
    [TestCase("""{ "stop": { "mode": 3 } }""")]
    [TestCase("""{ "name": "t", /* a comment */ "burst": { "count": 1, } }""")]
    public void Read_Workload_SameAsSerializer(string json) =>
        Assert.That(Outcome<Workload>(json, Reader<Workload>), Is.EqualTo(Outcome<Workload>(json, Serializer<Workload>)));

    [TestCase("""{ "id": "x", "devices": [{ "name": "lo" }, { "name": "veth", "rx_queues": 4 }], "pernet_ops": [{ "name": "a" }] }""")]
    [TestCase("""{ "structure": { "setup_lock": "shared", "uevent_delivery": "owning_netns" } }""")]
    [TestCase("""{ "structure": { "setup_lock": "sometimes" } }""")]
    [TestCase("""{ "structure": { "setup_lock": 1 } }""")]
    [TestCase("""{ "structure": { "setup_lock": "1" } }""")]
    [TestCase("""{ "structure": { "setup_lock": null } }""")]
    [TestCase("""{ "structure": { "setup_lock": "Shared" } }""")]
    [TestCase("""{ "structure": { "setup_lock": "SHARED" } }""")]
    [TestCase("""{ "structure": { "uevent_delivery": "allSockets" } }""")]
    [TestCase("""{ "devices": [{ "name": "lo", "rx_queues": "x" }] }""")]
    [TestCase("""{ "pernet_ops": [{}, { "bogus": 1 }] }""")]
    [TestCase("""{ "pernet_ops": [{}, { "exit_sync_call": "synchronize_rcu_expedited", "behaviour": "nope" }] }""")]
    [TestCase("""{ "pernet_ops": {} }""")]
    [TestCase("""{ "variation": null, "sources": ["a", "b"], "rcu": { "single_cpu_shortcut": false } }""")]
    [TestCase("""{ "variation": { "run_cost_cv": 0.1 } }""")]
    [TestCase("""{ "variation": { "run_cost_cv": 0.1, "stall_us": [] } }""")]
    public void Read_Profile_SameAsSerializer(string json) =>
        Assert.That(Outcome<KernelProfile>(json, Reader<KernelProfile>), Is.EqualTo(Outcome<KernelProfile>(json, Serializer<KernelProfile>)));

    [TestCase("""{ "maybe": 1.5, "map": { "a": 1, "b": 2, "a": 3 }, "maybe_kind": "owning_netns", "items": [{ "map": {} }, null] }""")]
    [TestCase("""{ "maybe": null, "map": null, "maybe_kind": null }""")]
    [TestCase("""{ "map": { "a": "x" } }""")]
    [TestCase("""{ "map": [] }""")]
    [TestCase("""{ "items": [{ "maybe": "1" }] }""")]
    public void Read_NullableAndMapMembers_SameAsSerializer(string json) =>
        Assert.That(Outcome<Extended>(json, Reader<Extended>), Is.EqualTo(Outcome<Extended>(json, Serializer<Extended>)));

    [Test]
    public void Read_PartialWorkload_LeftOutFieldsAtTheirInitializers()
    {
        var w = JsonRecordReader.Read<Workload>("""{ "name": "t", "machine": { "cpus": 2 }, "burst": { "count": 10 }, "seed": 0 }""")!;
        Assert.That((w.Machine.Hz, w.Machine.KernelProfile, w.Machine.UeventListeners.Host, w.Burst!.CreateParallelism, w.Burst.DestroyAfterMs), Is.EqualTo((1000, "v4.9", true, 1, 10.0)));
        Assert.That((w.Stop.Mode, w.Stop.MaxSimulatedSeconds, w.Replications, w.FormatVersion), Is.EqualTo(("drain", 3600.0, 1, 1)));
        Assert.That(w.Seed, Is.Zero, "a field the document sets to its type's default stays so");
    }

    /// <summary>Member types the shipped formats do not use yet, read alike all the same.</summary>
    public sealed record Extended
    {
        public double? Maybe { get; init; } = 2;
        public UeventDeliveryKind? MaybeKind { get; init; }
        public IReadOnlyDictionary<string, long> Map { get; init; } = new Dictionary<string, long> { ["z"] = 9 };
        public IReadOnlyList<Extended?> Items { get; init; } = [];
    }

    private static object? Reader<T>(string json)
        where T : class => JsonRecordReader.Read<T>(json);

    private static object? Serializer<T>(string json)
        where T : class => JsonSerializer.Deserialize<T>(json, JsonInput.Options);

    /// <summary>The value as JSON, or the error's path and its message without the position.</summary>
    private static string Outcome<T>(string json, Func<string, object?> read)
        where T : class
    {
        try
        {
            return JsonSerializer.Serialize(read(json), Written);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return $"error at {e.Path}: {(cut > 0 ? message[..cut] : message)}";
        }
    }
}
