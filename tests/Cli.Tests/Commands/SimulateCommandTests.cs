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
    [TestCase("--seed", "x", "--seed")]
    [TestCase("--seed", "-1", "--seed")]
    [TestCase("--replication", "1.5", "--replication")]
    public async Task Simulate_BadPolicyInput_ExitsTwoNamingTheField(string option, string value, string field)
    {
        var args = option == "--param"
            ? new[] { "simulate", "seed-1000-maxcpus1", "--policy", "batching", option, value }
            : new[] { "simulate", "seed-1000-maxcpus1", option, value };
        var outcome = await CliHarness.RunAsync(args).ConfigureAwait(false);
        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.ToString());
        Assert.That(outcome.Error, Does.Contain($"error: {field}:"));
    }

    [Test]
    public async Task Simulate_UntrustedPlugin_RefusedAtLoadSayingWhereItRunsSandboxed()
    {
        using var plugins = new TempFolder();
        CopyPlugin("versioned-v1", Path.Combine(plugins.Path, "versioned"));

        var outcome = await CliHarness.RunAsync("simulate", "seed-1000-maxcpus1", "--policy", "versioned", "--plugins", plugins.Path).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.ToString());
        Assert.That(outcome.Error, Does.Contain("error: policy:").And.Contain("refused plugin folders").And.Contain("runs the policy in the CLI's own process"));
    }

    [Test]
    public async Task Simulate_PluginTrustedByTheUser_RunsInProcess()
    {
        using var plugins = new TempFolder();
        CopyPlugin("versioned-v1", Path.Combine(plugins.Path, "versioned"));
        var before = Environment.GetEnvironmentVariable("NETNS_POLICY_TRUSTED_PLUGINS");
        Environment.SetEnvironmentVariable("NETNS_POLICY_TRUSTED_PLUGINS", "other, versioned");
        try
        {
            var outcome = await CliHarness.RunAsync("simulate", "seed-1000-maxcpus1", "--policy", "versioned", "--plugins", plugins.Path, "--format", "json").ConfigureAwait(false);

            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.ToString());
            Assert.That(System.Text.Json.JsonDocument.Parse(outcome.Out).RootElement.GetProperty("policy").GetString(), Is.EqualTo("versioned"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NETNS_POLICY_TRUSTED_PLUGINS", before);
        }
    }

    private static void CopyPlugin(string built, string to)
    {
        var from = Path.Combine(AppContext.BaseDirectory, "testplugins", built);
        Assert.That(Directory.Exists(from), Is.True, $"test plugin '{built}' is missing from the test output");
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
