using System.IO.Compression;
using System.Text;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Service.Tests.Scheduling;

/// <summary>
/// The executor's in-process hand-over (docs/benchmarks.md, "Issue 16, fourth round"): the result object a tournament
/// uses instead of parsing the JSON back is the one the JSON was written from; workloads kept parsed give the same
/// results; results stored at any gzip level read back byte for byte.
/// </summary>
[TestFixture]
public sealed class EngineSimulationExecutorTests
{
    [Test]
    public void Execute_SameWorkloadTwice_ResultObjectIsTheOneItsJsonWasWrittenFromAndBothRunsAgree()
    {
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"), Watch = false });
        using var execution = new PluginExecution(null, "not needed: built-in policy");
        var executor = new EngineSimulationExecutor(catalog, execution);
        string hash;
        using (var lease = catalog.Acquire("upstream", null))
        {
            hash = lease.AssemblyHash;
        }

        var input = new SimulationInput(Workloads.Burst(12, 7), "v4.9", "upstream", new Dictionary<string, string>(), hash, 7, 0);

        var first = executor.Execute(input, new Progress<SimulationProgress>(), CancellationToken.None);
        var second = executor.Execute(input with { Replication = 1 }, new Progress<SimulationProgress>(), CancellationToken.None);
        var again = executor.Execute(input, new Progress<SimulationProgress>(), CancellationToken.None);

        Assert.That(first.Result, Is.Not.Null);
        Assert.That(RunResultJson.Serialize(first.Result!), Is.EqualTo(first.ResultJson), "the object handed over is the JSON's");
        Assert.That(RunResultJson.Serialize(RunResultJson.Deserialize(first.ResultJson)), Is.EqualTo(first.ResultJson), "parsing the JSON back gives the same result");
        Assert.That(second.Result!.Replication, Is.EqualTo(1));
        Assert.That(again.ResultJson, Is.EqualTo(first.ResultJson), "the cached workload gives the same result");
    }

    [Test]
    public void Execute_InvalidWorkload_RefusedEachTimeNothingKept()
    {
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"), Watch = false });
        using var execution = new PluginExecution(null, "not needed: built-in policy");
        var executor = new EngineSimulationExecutor(catalog, execution);
        var input = new SimulationInput("""{"name": "bad", "machine": {"cpus": 0}}""", "v4.9", "upstream", new Dictionary<string, string>(), "", 1, 0);

        Assert.That(() => executor.Execute(input, new Progress<SimulationProgress>(), CancellationToken.None), Throws.InstanceOf<InputValidationException>());
        Assert.That(() => executor.Execute(input, new Progress<SimulationProgress>(), CancellationToken.None), Throws.InstanceOf<InputValidationException>());
    }

    [TestCase(CompressionLevel.Optimal)]
    [TestCase(CompressionLevel.SmallestSize)]
    [TestCase(CompressionLevel.Fastest)]
    public void Decompress_BodyWrittenAtAnyLevel_SameTextAsWritten(CompressionLevel level)
    {
        // Stores written before results were compressed at Fastest hold Optimal bodies; both read back alike.
        var json = RunResultJson.Serialize(new RunResult { Status = "ok", Workload = "ü-€-burst", KernelProfile = "v4.9", Policy = "upstream", Seed = 3 });
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        Assert.That(ResultCompression.Decompress(buffer.ToArray()), Is.EqualTo(json));
        Assert.That(ResultCompression.Decompress(ResultCompression.Compress(json)), Is.EqualTo(json));
    }
}
