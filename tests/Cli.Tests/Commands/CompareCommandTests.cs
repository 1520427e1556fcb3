using NetnsPolicy.Cli.Tests.Support;
using NetnsPolicy.Reports;

namespace NetnsPolicy.Cli.Tests.Commands;

/// <summary><c>compare</c> end to end against the embedded service, then <c>report</c> re-rendering what it stored.</summary>
public sealed class CompareCommandTests
{
    [Test]
    public async Task Compare_TinyBurst_WritesEveryFormatAndPrintsPlainMarkdown()
    {
        using var folder = new TempFolder();
        var workload = folder.File("tiny.json", TinyWorkloads.Burst(12));
        var output = Path.Combine(folder.Path, "out");

        var outcome = await CliHarness.RunAsync("compare", workload, "-p", "upstream", "-p", "uevent-skip", "-p", "batching:batch_size=4", "-r", "2", "--out", output).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Ok), outcome.ToString);
        Assert.That(Directory.GetFiles(output).Select(Path.GetExtension), Is.EquivalentTo(new[] { ".md", ".html", ".json", ".csv" }));
        var report = ReportRenderer.FromJson(File.ReadAllText(Directory.GetFiles(output, "*.json").Single()));
        Assert.That(report.Policies.Select(p => p.Policy), Is.EqualTo(new[] { "upstream", "uevent-skip", "batching[batch_size=4]" }));
        Assert.That(report.Baseline, Is.EqualTo("upstream"));
        Assert.That(outcome.Out, Does.Contain("batching[batch_size=4]").And.Contain("| Policy |"));

        // Redirected output: progress as plain lines, no terminal escape sequences anywhere.
        Assert.That(outcome.Error, Does.Contain("compare: 100% done"));
        Assert.That((outcome.Out + outcome.Error).Contains('\u001b', StringComparison.Ordinal), Is.False, "an ANSI escape sequence in redirected output");
    }

    [Test]
    public async Task Compare_Threshold_ReportJudgedAgainstIt()
    {
        using var folder = new TempFolder();
        var workload = folder.File("tiny.json", TinyWorkloads.Burst(12));
        var output = Path.Combine(folder.Path, "out");

        var outcome = await CliHarness.RunAsync("compare", workload, "-p", "upstream", "-p", "uevent-skip", "-r", "2", "--threshold", "0.3", "--threshold", "teardown_seconds=0.001", "--out", output).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Ok), outcome.ToString);
        var report = ReportRenderer.FromJson(File.ReadAllText(Path.Combine(output, "report.json")));
        var teardown = report.Policies[1].Metrics.Single(m => m.Metric == MetricCatalog.TeardownSeconds);
        var baseline = report.Policies[0].Metrics.Single(m => m.Metric == MetricCatalog.TeardownSeconds);
        Assert.Multiple(() =>
        {
            Assert.That(report.Thresholds.Relative, Is.EqualTo(0.3));
            Assert.That(teardown.Threshold, Is.EqualTo(Math.Max(0.001 * baseline.Mean, 1e-6)).Within(1e-12));
            Assert.That(File.ReadAllText(Path.Combine(output, "report.md")), Does.Contain("30% of the baseline's mean (teardown_seconds: 0.1%)"));
        });
    }

    [Test]
    public async Task Report_RunIdFromSameDataFolder_ReRendersTheStoredReport()
    {
        using var folder = new TempFolder();
        var workload = folder.File("tiny.json", TinyWorkloads.Burst(8));
        var data = Path.Combine(folder.Path, "data");
        var compared = await CliHarness.RunAsync("compare", workload, "-p", "upstream", "-p", "uevent-skip", "-r", "2", "--data", data).ConfigureAwait(false);
        Assert.That(compared.ExitCode, Is.EqualTo(ExitCodes.Ok), compared.ToString);
        var runId = compared.Error.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("run ", StringComparison.Ordinal))["run ".Length..];

        var again = await CliHarness.RunAsync("report", runId, "--data", data).ConfigureAwait(false);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.ToString);
        Assert.That(again.Out, Is.EqualTo(compared.Out));
    }

    [Test]
    public async Task Report_ReportJsonFile_ReRendersWithoutAService()
    {
        using var folder = new TempFolder();
        var workload = folder.File("tiny.json", TinyWorkloads.Burst(8));
        var first = Path.Combine(folder.Path, "first");
        var compared = await CliHarness.RunAsync("compare", workload, "-p", "upstream", "-p", "uevent-skip", "-r", "2", "--out", first, "--format", "none").ConfigureAwait(false);
        Assert.That(compared.ExitCode, Is.EqualTo(ExitCodes.Ok), compared.ToString);
        var json = Directory.GetFiles(first, "*.json").Single();
        var second = Path.Combine(folder.Path, "second");

        var again = await CliHarness.RunAsync("report", json, "--out", second, "--format", "none").ConfigureAwait(false);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.ToString);
        Assert.That(File.ReadAllText(Path.Combine(second, "report.md")), Is.EqualTo(File.ReadAllText(Directory.GetFiles(first, "*.md").Single())));
    }
}
