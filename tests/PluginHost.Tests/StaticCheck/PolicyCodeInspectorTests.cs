using NetnsPolicy.PluginHost.StaticCheck;

namespace NetnsPolicy.PluginHost.Tests.StaticCheck;

[TestFixture]
public sealed class PolicyCodeInspectorTests
{
    private const string Samples = "NetnsPolicy.PluginHost.Tests.StaticCheck.ForbiddenSamples.";

    [TestCase("batching", "NetnsPolicy.Policies.Batching.dll")]
    [TestCase("uevent-skip", "NetnsPolicy.Policies.UeventSkip.dll")]
    [TestCase("rcu-overlap", "NetnsPolicy.Policies.RcuOverlap.dll")]
    [TestCase("rwsem", "NetnsPolicy.Policies.Rwsem.dll")]
    [TestCase("adaptive", "NetnsPolicy.Policies.Adaptive.dll")]
    public void Inspect_ShippedPolicy_NoFindings(string folder, string file)
    {
        var findings = PolicyCodeInspector.Inspect(Path.Combine(PluginFolder.Shipped, folder, file));

        Assert.That(findings, Is.Empty);
    }

    [Test]
    public void Inspect_MisbehavingButDeterministicPlugin_NoFindings()
    {
        // Throwing, spinning and allocating are runtime faults for containment, not static-check matters.
        var findings = PolicyCodeInspector.Inspect(Path.Combine(PluginFolder.TestPlugins, "misbehaving", "NetnsPolicy.TestPlugins.Misbehaving.dll"));

        Assert.That(findings, Is.Empty);
    }

    [Test]
    public void Inspect_WallClockPlugin_NamesDateTimeNowAndTheMethodUsingIt()
    {
        var findings = PolicyCodeInspector.Inspect(Path.Combine(PluginFolder.TestPlugins, "wall-clock", "NetnsPolicy.TestPlugins.WallClock.dll"));

        Assert.That(findings.Select(f => (f.Member, f.Reason, f.UsedIn)),
            Is.EqualTo(new[] { ("System.DateTime.get_Now", "the wall clock", (string?)"NetnsPolicy.TestPlugins.WallClock.WallClockPolicy.AdmitBatch") }));
    }

    [Test]
    public void Inspect_UnseededRandom_FlaggedButSeededRandomAndIteratorsPass()
    {
        var findings = PolicyCodeInspector.Inspect(typeof(ForbiddenSamples).Assembly.Location)
            .Where(f => f.UsedIn?.StartsWith(Samples, StringComparison.Ordinal) == true)
            .Select(f => (f.Member, f.UsedIn))
            .ToList();

        Assert.That(findings, Is.EquivalentTo(new[]
        {
            ("System.Random..ctor", (string?)Samples + "UnseededRandom"),
            ("System.Random.get_Shared", (string?)Samples + "SharedRandom"),
        }));
    }

    [Test]
    public void Inspect_HostAssemblyUsingThreadsProcessesAndPInvoke_EveryKindFlagged()
    {
        // The plugin host itself does everything a policy may not: a broad check on real compiler output.
        var findings = PolicyCodeInspector.Inspect(typeof(PluginHost.Catalog.PluginCatalog).Assembly.Location);
        var members = findings.Select(f => f.Member).ToList();

        Assert.That(members, Has.Some.StartsWith("System.Threading.Thread."));
        Assert.That(members, Has.Some.StartsWith("System.Threading.Tasks."));
        Assert.That(members, Has.Some.StartsWith("System.Diagnostics.Process."));
        Assert.That(members, Has.Some.StartsWith("System.Diagnostics.Stopwatch."));
        Assert.That(members, Has.Some.StartsWith("System.IO.File."));
        Assert.That(members, Has.Some.StartsWith("System.Environment."));
        Assert.That(members, Has.Some.StartsWith("extern NetnsPolicy.PluginHost.Containment.ThreadCpuClock."));
    }

    [Test]
    public void Inspect_NotAnAssembly_ThrowsBadImageFormat()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a PE file");

            Assert.Throws<BadImageFormatException>(() => PolicyCodeInspector.Inspect(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
