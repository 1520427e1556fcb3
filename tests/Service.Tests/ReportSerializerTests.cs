using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Service.Tests;

/// <summary>The service stores and renders reports with the Reports library's serializer (non-finite numbers as null).</summary>
[TestFixture]
public sealed class ReportSerializerTests
{
    [Test]
    public async Task SubmitComparison_BaselineMeanZero_ReportWithNullRatioInJsonAndInfinityOrNaInMarkdown()
    {
        // The case: container churn with a namespace cap (300 here: 200 live containers and the churn); upstream never fails a creation, one-net
        // batches do (ENOSPC), so the baseline's mean of that metric is 0 and the contender's is not.
        var workload = WorkloadLoader.ReadBuiltIn("container-churn")!
            .Replace("\"memory_limit_mb\": 8192,", "\"memory_limit_mb\": 8192, \"max_net_namespaces\": 300,", StringComparison.Ordinal);
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        await using var service = await TestService.StartAsync(options);
        var request = new SubmitComparisonRequest
        {
            Workload = new WorkloadSource { Json = workload },
            Seeds = new SeedPlan { Seeds = { 11 }, Replications = 1 },
            Policies =
            {
                new PolicyEntry { Label = "upstream", Policy = "upstream" },
                new PolicyEntry { Label = "batch1", Policy = "batching", Parameters = { ["batch_size"] = "1" } },
            },
        };

        var run = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()));
        Assert.That(run.State, Is.EqualTo(RunState.Succeeded), run.StatusDetail);
        var report = await service.Runs.GetReportAsync(new GetReportRequest { RunId = run.Id, Formats = { ReportFormat.Json, ReportFormat.Markdown } }, deadline: TestService.Deadline());

        var text = report.Artifacts.Single(a => a.Format == ReportFormat.Json).Content;
        Assert.That(text, Does.Contain("\"ratio\": null"), "a ratio against a zero baseline mean is null in JSON");
        Assert.That(report.Artifacts.Single(a => a.Format == ReportFormat.Markdown).Content, Does.Contain("∞").Or.Contain("n/a"));
    }
}
