using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Workloads;
using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Tests.Definition;

[TestFixture]
public sealed class TournamentLoaderTests
{
    private const string Valid = """
        {
          // comments and trailing commas are allowed, as in workload files
          "format_version": 1,
          "name": "t",
          "baseline": "upstream",
          "policies": [
            { "policy": "upstream" },
            { "policy": "test-small-batches", "sweep": { "batch_size": [8, 32, 128] } },
          ],
          "tracks": [
            { "name": "small", "workload": "seed-1000-maxcpus1", "workload_patch": { "burst": { "count": 50 }, "probe": { "interval_ms": 10, "stop_ms": 500 } } },
            { "workload": "container-churn", "held_out": true }
          ],
          "replications": 3,
          "gates": [ { "kind": "max-regression", "metric": "creation_latency_p99_ms", "max_percent": 5 } ]
        }
        """;

    private static IReadOnlyList<string> Fields(string json, NetnsPolicy.PluginHost.IPolicyCatalog? catalog = null)
    {
        var e = Assert.Throws<InputValidationException>(() => TournamentLoader.Parse(json, catalog: catalog))!;
        return e.Errors.Select(x => x.Field).ToArray();
    }

    private static string With(string from, string to)
    {
        var changed = Valid.Replace(from, to, StringComparison.Ordinal);
        Assert.That(changed, Is.Not.EqualTo(Valid), "test setup: the text to replace is in the valid file");
        return changed;
    }

    [Test]
    public void Parse_Sweep_OneEntryPerValueNamedByParameters()
    {
        var t = TournamentLoader.Parse(Valid, catalog: new TestPolicyCatalog());
        Assert.Multiple(() =>
        {
            Assert.That(t.Entries.Select(e => e.Name), Is.EqualTo(new[]
            {
                "upstream", "test-small-batches[batch_size=8]", "test-small-batches[batch_size=32]", "test-small-batches[batch_size=128]",
            }));
            Assert.That(t.Entries[2].Parameters["batch_size"], Is.EqualTo("32"));
            Assert.That(t.Entries[2].PolicySpec, Is.EqualTo("test-small-batches"));
        });
    }

    [Test]
    public void Parse_TwoSweptParameters_CartesianProduct()
    {
        var json = With("\"sweep\": { \"batch_size\": [8, 32, 128] }", "\"sweep\": { \"a\": [1, 2], \"b\": [true, false] }");
        var t = TournamentLoader.Parse(json);
        Assert.That(t.Entries.Skip(1).Select(e => e.Name), Is.EqualTo(new[]
        {
            "test-small-batches[a=1,b=true]", "test-small-batches[a=1,b=false]", "test-small-batches[a=2,b=true]", "test-small-batches[a=2,b=false]",
        }));
    }

    [Test]
    public void Parse_WorkloadPatch_MergedIntoShippedWorkload()
    {
        var t = TournamentLoader.Parse(Valid);
        var patched = WorkloadLoader.Parse(t.Tracks[0].WorkloadJson);
        Assert.Multiple(() =>
        {
            Assert.That(patched.Burst!.Count, Is.EqualTo(50));
            Assert.That(patched.Burst.DestroyAfterMs, Is.EqualTo(10), "untouched fields keep the shipped value");
            Assert.That(patched.Probe!.StopMs, Is.EqualTo(500));
            Assert.That(patched.Machine.Cpus, Is.EqualTo(1));
        });
    }

    [Test]
    public void Parse_Tracks_DefaultsFromWorkload()
    {
        var t = TournamentLoader.Parse(Valid);
        Assert.Multiple(() =>
        {
            Assert.That(t.Tracks[1].Name, Is.EqualTo("container-churn"));
            Assert.That(t.Tracks[1].HeldOut, Is.True);
            Assert.That(t.Tracks[1].Seed, Is.EqualTo(11UL), "the workload's own seed");
            Assert.That(t.Tracks[1].KernelProfile, Is.EqualTo("v4.9"));
            Assert.That(t.Replications, Is.EqualTo(3));
            Assert.That(t.Metrics, Is.EqualTo(TournamentLoader.DefaultMetrics));
        });
    }

    [Test]
    public void Parse_TopLevelSeed_OverridesWorkloadSeeds()
    {
        var t = TournamentLoader.Parse(With("\"replications\": 3,", "\"replications\": 3, \"seed\": 99,"));
        Assert.That(t.Tracks.Select(x => x.Seed), Is.All.EqualTo(99UL));
    }

    [TestCase("\"workload_patch\"", "\"workload_patchh\"", "tracks[0].workload_patchh")]
    [TestCase("\"replications\": 3", "\"replications\": 0", "replications")]
    [TestCase("\"baseline\": \"upstream\"", "\"baseline\": \"nobody\"", "baseline")]
    [TestCase("\"metric\": \"creation_latency_p99_ms\"", "\"metric\": \"latency\"", "gates[0].metric")]
    [TestCase(", \"max_percent\": 5 }", " }", "gates[0].max_percent")]
    [TestCase("\"kind\": \"max-regression\"", "\"kind\": \"fastest\"", "gates[0].kind")]
    [TestCase("\"workload\": \"container-churn\"", "\"workload\": \"no-such-workload\"", "tracks[1].workload")]
    [TestCase("\"interval_ms\": 10", "\"interval_ms\": -1", "tracks[0].workload.probe.interval_ms")]
    [TestCase("[8, 32, 128]", "[8, 8]", "policies[1].sweep.batch_size[1]")]
    [TestCase("[8, 32, 128]", "[]", "policies[1].sweep.batch_size")]
    [TestCase("\"format_version\": 1", "\"format_version\": 2", "format_version")]
    [TestCase("\"held_out\": true", "\"held_out\": \"yes\"", "tracks[1].held_out")]
    public void Parse_InvalidField_ErrorNamesField(string from, string to, string field) =>
        Assert.That(Fields(With(from, to)), Does.Contain(field));

    [Test]
    public void Parse_UnknownMetric_ErrorNamesIndex() =>
        Assert.That(Fields(With("\"replications\": 3,", "\"replications\": 3, \"metrics\": [\"teardown_seconds\", \"speed\"],")), Is.EqualTo(new[] { "metrics[1]" }));

    [Test]
    public void Parse_GateNamesUnknownTrack_ErrorNamesIndex() =>
        Assert.That(Fields(With("\"max_percent\": 5", "\"max_percent\": 5, \"tracks\": [\"small\", \"big\"]")), Is.EqualTo(new[] { "gates[0].tracks[1]" }));

    [Test]
    public void Parse_TwoGatesWithTheSameName_ErrorNamesSecond() =>
        Assert.That(Fields(With("\"gates\": [", "\"gates\": [ { \"kind\": \"must-act\" }, { \"kind\": \"must-act\" },")), Is.EqualTo(new[] { "gates[1].name" }));

    [Test]
    public void Parse_SeveralErrors_AllReportedAtOnce() =>
        Assert.That(Fields(With("\"replications\": 3", "\"replications\": -1, \"colour\": 1")), Is.EquivalentTo(new[] { "replications", "colour" }));

    [Test]
    public void Parse_DuplicateEntry_ErrorNamesPolicy() =>
        Assert.That(Fields(With("{ \"policy\": \"upstream\" },", "{ \"policy\": \"upstream\" }, { \"policy\": \"upstream\" },")), Is.EqualTo(new[] { "policies[1]" }));

    [Test]
    public void Parse_UnknownPolicyWithCatalog_ErrorNamesPolicyField() =>
        Assert.That(Fields(With("\"policy\": \"test-small-batches\"", "\"policy\": \"batchin\""), new TestPolicyCatalog()), Is.EqualTo(new[] { "policies[1].policy" }));

    [Test]
    public void Parse_SweptValueOutOfRangeWithCatalog_ErrorNamesSweepField() =>
        Assert.That(Fields(With("[8, 32, 128]", "[8, 0]"), new TestPolicyCatalog()), Is.EqualTo(new[] { "policies[1].sweep.batch_size" }));

    [Test]
    public void Parse_NotJson_ErrorAtRoot() =>
        Assert.That(Fields("{ not json"), Is.EqualTo(new[] { "$" }));

    [TestCase("ci-gate.json")]
    [TestCase("main.json")]
    public void Load_ShippedTournament_Valid(string file)
    {
        var t = TournamentLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "tournaments", file));
        Assert.Multiple(() =>
        {
            Assert.That(t.Name, Is.EqualTo(Path.GetFileNameWithoutExtension(file)));
            Assert.That(t.Entries[0].Name, Is.EqualTo("upstream"));
            Assert.That(t.Tracks, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(t.Tracks.Select(x => WorkloadLoader.Parse(x.WorkloadJson)), Has.All.Not.Null);
        });
    }

    [Test]
    public void Load_MainTournament_ShippedPoliciesOnSeedAndContainerChurn()
    {
        var t = TournamentLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "tournaments", "main.json"));
        Assert.Multiple(() =>
        {
            Assert.That(t.Entries.Select(e => e.PolicySpec).Distinct(), Is.EquivalentTo(new[] { "upstream", "batching", "uevent-skip", "rcu-overlap", "rwsem", "adaptive" }));
            Assert.That(t.Tracks.Select(x => x.Workload), Does.Contain("seed-1000-maxcpus1").And.Contain("container-churn"));
            Assert.That(WorkloadLoader.Parse(t.Tracks[0].WorkloadJson).Probe, Is.Not.Null, "the seed track measures creation with a probe");
        });
    }

    [Test]
    public void Parse_Thresholds_DefaultAndPerMetric()
    {
        var t = TournamentLoader.Parse(With("\"replications\": 3,", "\"replications\": 3, \"thresholds\": { \"default\": 0.05, \"teardown_seconds\": 0.01 },"), catalog: new TestPolicyCatalog());
        Assert.Multiple(() =>
        {
            Assert.That(t.Thresholds.Relative, Is.EqualTo(0.05));
            Assert.That(t.Thresholds.RelativeFor("teardown_seconds"), Is.EqualTo(0.01));
            Assert.That(t.Thresholds.RelativeFor("peak_memory_mib"), Is.EqualTo(0.05));
        });
    }

    [Test]
    public void Parse_ThresholdForUnknownMetric_NamesFieldAndClosest()
    {
        var e = Assert.Throws<InputValidationException>(() => TournamentLoader.Parse(With("\"replications\": 3,", "\"replications\": 3, \"thresholds\": { \"teardown_second\": 0.01 },"), catalog: new TestPolicyCatalog()))!;
        Assert.That(e.Errors.Select(x => x.Field + ": " + x.Message), Has.Some.StartsWith("thresholds.teardown_second: unknown field (did you mean 'teardown_seconds'?)"));
    }

    [Test]
    public void Parse_TypoedTopLevelField_ClosestNamed()
    {
        var e = Assert.Throws<InputValidationException>(() => TournamentLoader.Parse(With("\"replications\": 3,", "\"replicatons\": 3,"), catalog: new TestPolicyCatalog()))!;
        Assert.That(e.Errors.Select(x => x.Field + ": " + x.Message), Has.Some.StartsWith("replicatons: unknown field (did you mean 'replications'?)"));
    }
}
