using NetnsPolicy.Cli.Tests.Support;

namespace NetnsPolicy.Cli.Tests.Commands;

[TestFixture]
public sealed class SimulateCommandTests
{
    [Test]
    public async Task Simulate_PluginPolicyStack_RunsInProcessWithThePluginsFolder()
    {
        var outcome = await CliHarness.RunAsync("simulate", "seed-1000-maxcpus1", "--policy", "uevent-skip+batching", "--param", "batch_size=100", "--format", "json").ConfigureAwait(false);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.ToString());
        var json = System.Text.Json.JsonDocument.Parse(outcome.Out).RootElement;
        Assert.That(json.GetProperty("policy").GetString(), Is.EqualTo("uevent-skip+batching"));
        Assert.That(json.GetProperty("batches").GetInt32(), Is.EqualTo(10));
        Assert.That(json.GetProperty("uevents").GetProperty("suppressed").GetInt64(), Is.GreaterThan(0));
    }

    [TestCase("--policy", "no-such-policy", "policy")]
    [TestCase("--param", "batch_size", "--param")]
    public async Task Simulate_BadPolicyInput_ExitsTwoNamingTheField(string option, string value, string field)
    {
        var args = option == "--param"
            ? new[] { "simulate", "seed-1000-maxcpus1", "--policy", "batching", option, value }
            : new[] { "simulate", "seed-1000-maxcpus1", option, value };
        var outcome = await CliHarness.RunAsync(args).ConfigureAwait(false);
        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.ToString());
        Assert.That(outcome.Error, Does.Contain($"error: {field}:"));
    }
}
