using System.Xml.Linq;
using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Tests.Tournaments;

/// <summary><c>tournament</c> end to end on the embedded service, with a gate built to fail and one built to pass.</summary>
public sealed class TournamentCommandTests
{
    /// <summary>
    /// A 16-netns burst. uevent-skip acts on it (the dying devices' uevents), so its must-act gate passes; batching
    /// with a batch larger than the whole burst never limits a cleanup_net batch, so its must-act gate fails.
    /// </summary>
    private static string TinyTournament(bool withIdleBatching) => $$"""
        {
          "format_version": 1,
          "name": "tiny",
          "baseline": "upstream",
          "policies": [
            { "policy": "upstream" },
            { "policy": "uevent-skip" }{{(withIdleBatching ? """, { "policy": "batching", "sweep": { "batch_size": [100000] } }""" : "")}}
          ],
          "tracks": [{ "name": "burst", "workload": "seed-1000-maxcpus1", "workload_patch": { "name": "burst-16", "burst": { "count": 16 } } }],
          "replications": 2,
          "metrics": ["teardown_seconds", "peak_memory_mib"],
          "gates": [{ "kind": "must-act" }],
          "stability": { "resamples": 100, "seed": 1 }
        }
        """;

    [Test]
    public async Task Tournament_GateFails_ExitsGateFailedWithJUnitFailure()
    {
        using var folder = new TempFolder();
        var file = folder.File("tiny.json", TinyTournament(withIdleBatching: true));
        var output = Path.Combine(folder.Path, "out");

        var outcome = await CliHarness.RunAsync("tournament", file, "--out", output, "--gate-lines").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.GateFailed), outcome.ToString);
        var junit = XDocument.Load(Path.Combine(output, "junit.xml"));
        var failed = junit.Descendants("testcase").Where(t => t.Element("failure") is not null).Select(t => (string?)t.Attribute("name")).ToList();
        Assert.That(failed, Has.Count.EqualTo(1));
        Assert.That(failed[0], Does.Contain("batching"));
        Assert.That(outcome.Out, Does.Contain("GATE-FAIL must-act: batching[batch_size=100000] on burst"));
        Assert.That(outcome.Out, Does.Contain("GATE-PASS must-act: uevent-skip on burst"));
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Is.EquivalentTo(new[] { "report.html", "summary.md", "junit.xml", "tournament.json" }));
    }

    [Test]
    public async Task Tournament_EveryGatePasses_ExitsOkAndPrintsRankingAndSummary()
    {
        using var folder = new TempFolder();
        var file = folder.File("tiny.json", TinyTournament(withIdleBatching: false));
        var output = Path.Combine(folder.Path, "out");

        var outcome = await CliHarness.RunAsync("tournament", file, "--out", output).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Ok), outcome.ToString);
        var result = TournamentRenderer.FromJson(File.ReadAllText(Path.Combine(output, "tournament.json")));
        Assert.That(result.RunsCompleted, Is.EqualTo(4));
        Assert.That(result.Ranking.Select(r => r.Entry), Is.EquivalentTo(new[] { "upstream", "uevent-skip" }));
        Assert.That(outcome.Out, Does.StartWith("Ranking of tiny"));
        Assert.That(outcome.Out, Does.Contain(TournamentRenderer.ToMarkdown(result).Trim()));
        Assert.That((outcome.Out + outcome.Error).Contains('\u001b', StringComparison.Ordinal), Is.False, "an ANSI escape sequence in redirected output");
        Assert.That(outcome.Error, Does.Contain("tournament tiny: 100% done"));
        Assert.That(File.ReadAllText(Path.Combine(output, "summary.md")), Is.EqualTo(TournamentRenderer.ToMarkdown(result)));
    }

    [Test]
    public async Task Report_TournamentJson_ReRendersAndKeepsTheGateExitCode()
    {
        using var folder = new TempFolder();
        var file = folder.File("tiny.json", TinyTournament(withIdleBatching: true));
        var output = Path.Combine(folder.Path, "out");
        var ran = await CliHarness.RunAsync("tournament", file, "--out", output, "--no-summary").ConfigureAwait(false);
        Assert.That(ran.ExitCode, Is.EqualTo(ExitCodes.GateFailed), ran.ToString);

        var again = await CliHarness.RunAsync("report", Path.Combine(output, "tournament.json")).ConfigureAwait(false);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.GateFailed), again.ToString);
        Assert.That(again.Out.Trim(), Is.EqualTo(File.ReadAllText(Path.Combine(output, "summary.md")).Trim()));
    }
}
