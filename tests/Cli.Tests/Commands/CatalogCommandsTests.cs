using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Cli.Tests.Commands;

/// <summary><c>policies</c> and <c>profiles</c> against the embedded service.</summary>
public sealed class CatalogCommandsTests
{
    [Test]
    public async Task Policies_Text_ListsShippedPluginsWithTheirParameters()
    {
        var outcome = await CliHarness.RunAsync("policies").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Ok), outcome.ToString);
        Assert.That(outcome.Out, Does.Contain("--batch_size integer default 32"));
        foreach (var id in new[] { "upstream", "batching", "uevent-skip", "rcu-overlap", "rwsem", "adaptive" })
        {
            Assert.That(outcome.Out, Does.Match($"(?m)^{id} "), id);
        }
    }

    [Test]
    public async Task Profiles_Text_ListsEveryShippedProfileOnItsOwnLine()
    {
        var outcome = await CliHarness.RunAsync("profiles").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Ok), outcome.ToString);
        var ids = outcome.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();
        Assert.That(ids, Is.EquivalentTo(KernelProfileLoader.BuiltInIds));
    }
}
