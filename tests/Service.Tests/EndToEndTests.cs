using Grpc.Core;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>Submit, watch, report, cancel, restart and store reuse, over a real loopback socket with the real engine.</summary>
[TestFixture]
public sealed class EndToEndTests
{
    [Test]
    public async Task SubmitComparison_WatchedToCompletion_ReportCoversEveryPolicy()
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path));

        var run = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(20), 1, 2), deadline: TestService.Deadline());
        Assert.That(run.State, Is.AnyOf(RunState.Queued, RunState.Running));
        Assert.That(run.SimulationsTotal, Is.EqualTo(4));

        var messages = await service.WatchToEndAsync(run.Id).WaitAsync(TestService.CallTimeout);
        var final = messages[^1];
        Assert.That(final.State, Is.EqualTo(RunState.Succeeded), final.FinalRun.StatusDetail);
        Assert.That(final.FinalRun.SimulationsDone, Is.EqualTo(4));
        Assert.That(final.FractionDone, Is.EqualTo(1.0));
        Assert.That(messages.Select(m => m.FractionDone), Is.Ordered, "progress never goes back");
        Assert.That(messages.Take(messages.Count - 1).All(m => m.FinalRun is null), Is.True, "only the last message carries the final run");

        var response = await service.Runs.GetReportAsync(
            new GetReportRequest { RunId = run.Id, Formats = { ReportFormat.Markdown, ReportFormat.Html, ReportFormat.Json } },
            deadline: TestService.Deadline());
        Assert.That(response.Report.Baseline, Is.EqualTo("baseline"));
        Assert.That(response.Report.Policies.Select(p => p.Policy), Is.EquivalentTo(new[] { "baseline", "contender" }));
        Assert.That(response.Report.Replications, Is.EqualTo(2));
        Assert.That(response.Report.Policies.Single(p => p.IsBaseline).Policy, Is.EqualTo("baseline"));
        Assert.That(response.Artifacts.Select(a => a.Format), Is.EqualTo(new[] { ReportFormat.Markdown, ReportFormat.Html, ReportFormat.Json }));
        Assert.That(response.Artifacts.Single(a => a.Format == ReportFormat.Markdown).Content, Does.Contain("contender"));
        Assert.That(response.Artifacts.Single(a => a.Format == ReportFormat.Html).Content, Does.Contain("<html").IgnoreCase);
        Assert.That(response.Artifacts.Single(a => a.Format == ReportFormat.Json).Content.TrimStart(), Does.StartWith("{"));
    }

    [Test]
    public async Task SubmitRun_SinglePolicy_SucceedsWithResultJsonPerReplication()
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path));

        var request = new SubmitRunRequest
        {
            Workload = new WorkloadSource { Json = Workloads.Burst(10) },
            Policy = "upstream",
            Seeds = new SeedPlan { Replications = 2 },
        };
        var run = await service.Runs.SubmitRunAsync(request, deadline: TestService.Deadline());
        var final = await service.CompleteAsync(run);
        Assert.That(final.State, Is.EqualTo(RunState.Succeeded), final.StatusDetail);
        Assert.That(final.Kind, Is.EqualTo(RunKind.Single));

        var detailed = await service.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id, IncludeResults = true }, deadline: TestService.Deadline());
        Assert.That(detailed.Simulations, Has.Count.EqualTo(2));
        Assert.That(detailed.Simulations.Select(s => s.Replication), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(detailed.Simulations.All(s => s.Status == "ok" && s.ResultJson.Contains("\"schema_version\"", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task CancelRun_LongRun_StopsPromptlyAndIsCancelled()
    {
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        options.MaxProbesPerWorkload = 2_000_000_000;
        await using var service = await TestService.StartAsync(options);

        // Long in wall time whatever the engine's speed: a probe creating a netns every simulated millisecond for 10⁶
        // simulated seconds (10⁹ creations). A burst of 10⁶ namespaces was used before; on v4.9 it stalls and reaches
        // its 10⁶-second bound in ≈ 2.6 s of wall time now, which a loaded machine's first progress message could miss.
        var request = new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Storm("\"probe\": { \"interval_ms\": 1 }") }, Policy = "upstream" };
        var run = await service.Runs.SubmitRunAsync(request, deadline: TestService.Deadline());

        // Wait until the simulation loop is demonstrably running, then cancel.
        using (var watch = service.Runs.WatchRun(new WatchRunRequest { RunId = run.Id }, deadline: TestService.Deadline()))
        {
            await foreach (var progress in watch.ResponseStream.ReadAllAsync())
            {
                Assert.That(progress.State, Is.AnyOf(RunState.Queued, RunState.Running), "the long run must not end on its own");
                if (progress.State == RunState.Running && progress.Events > 0)
                {
                    Assert.That(progress.SimulatedNs, Is.GreaterThan(0), "the engine's progress reaches the stream");
                    Assert.That(progress.Phase, Is.Not.Empty);
                    Assert.That(progress.SimulationsTotal, Is.EqualTo(1));
                    break;
                }
            }
        }

        await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = run.Id }, deadline: TestService.Deadline());

        // "Promptly": the whole watch to the terminal state must fit in a 10 s deadline.
        using var end = service.Runs.WatchRun(new WatchRunRequest { RunId = run.Id }, deadline: DateTime.UtcNow.AddSeconds(10));
        RunProgress? last = null;
        await foreach (var progress in end.ResponseStream.ReadAllAsync())
        {
            last = progress;
        }

        Assert.That(last!.State, Is.EqualTo(RunState.Cancelled));
        Assert.That(last.FinalRun.StatusDetail, Does.Contain("cancelled"));
        var stored = await service.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id, IncludeSimulations = true }, deadline: TestService.Deadline());
        Assert.That(stored.State, Is.EqualTo(RunState.Cancelled));
        Assert.That(stored.Simulations.Single().Status, Is.Empty, "a cancelled simulation stores no result");
    }

    [Test]
    public async Task Timeout_RunLongerThanItsTimeout_EndsDeadlineExceeded()
    {
        using var db = new TempDatabase();
        var options = TestService.OptionsFor(db.Path);
        options.MaxNamespacesPerWorkload = 1_000_000;
        // Only the timeout may end this run: the work budgets (which a faster engine reaches sooner in wall time) are
        // out of reach. The simulation needs about 2 s of CPU (58 M events), so a 300 ms wall-clock timeout fires
        // first however loaded the machine is.
        options.SimulationEventBudget = long.MaxValue;
        options.SimulationPendingEventBudget = long.MaxValue;
        options.SimulationDeviceBudget = long.MaxValue;
        await using var service = await TestService.StartAsync(options);

        var request = new SubmitRunRequest
        {
            Workload = new WorkloadSource { Json = Workloads.Burst(1_000_000, maxNetNamespaces: 2_000_000, maxSimulatedSeconds: 1_000_000) },
            Policy = "upstream",
            Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300)),
        };
        var run = await service.Runs.SubmitRunAsync(request, deadline: TestService.Deadline());
        var final = await service.CompleteAsync(run);

        Assert.That(final.State, Is.EqualTo(RunState.DeadlineExceeded), final.StatusDetail);
        Assert.That(final.StatusDetail, Does.Contain("timeout"));
    }

    [Test]
    public async Task Restart_SameDatabase_ServesEarlierRunAndReport()
    {
        using var db = new TempDatabase();
        Run first;
        GetReportResponse before;
        await using (var service = await TestService.StartAsync(TestService.OptionsFor(db.Path)))
        {
            first = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(15)), deadline: TestService.Deadline()));
            Assert.That(first.State, Is.EqualTo(RunState.Succeeded), first.StatusDetail);
            before = await service.Runs.GetReportAsync(new GetReportRequest { RunId = first.Id, Formats = { ReportFormat.Markdown } }, deadline: TestService.Deadline());
        }

        await using var restarted = await TestService.StartAsync(TestService.OptionsFor(db.Path));
        var after = await restarted.Runs.GetReportAsync(new GetReportRequest { RunId = first.Id, Formats = { ReportFormat.Markdown } }, deadline: TestService.Deadline());
        Assert.That(after.Report, Is.EqualTo(before.Report));
        Assert.That(after.Artifacts, Is.EqualTo(before.Artifacts));
        Assert.That(after.Run.State, Is.EqualTo(RunState.Succeeded));
        var listed = await restarted.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        Assert.That(listed.Runs.Select(r => r.Id), Is.EqualTo(new[] { first.Id }));
    }

    [Test]
    public async Task SubmitComparison_SameRequestTwice_SecondServedFromStore()
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path));
        var request = Requests.Comparison(Workloads.Burst(12), 3, 4);

        var first = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()));
        Assert.That(first.State, Is.EqualTo(RunState.Succeeded), first.StatusDetail);
        Assert.That(first.SimulationsFromStore, Is.Zero);

        // The same workload spelled differently (no comment, other layout) is the same request.
        var respelled = request.Clone();
        respelled.Workload = new WorkloadSource { Json = string.Join(" ", Workloads.Burst(12).Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal))) };
        var second = await service.Runs.SubmitComparisonAsync(respelled, deadline: TestService.Deadline());

        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
        Assert.That(second.State, Is.EqualTo(RunState.Succeeded), "served from the store at once");
        Assert.That(second.SimulationsFromStore, Is.EqualTo(second.SimulationsTotal));
        Assert.That(second.RequestHash, Is.EqualTo(first.RequestHash));
        var firstReport = await service.Runs.GetReportAsync(new GetReportRequest { RunId = first.Id }, deadline: TestService.Deadline());
        var secondReport = await service.Runs.GetReportAsync(new GetReportRequest { RunId = second.Id }, deadline: TestService.Deadline());
        Assert.That(secondReport.Report, Is.EqualTo(firstReport.Report));
    }

    [Test]
    public async Task SubmitComparison_OtherSeed_NotServedFromStore()
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path));

        var first = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(12), 5), deadline: TestService.Deadline()));
        var second = await service.CompleteAsync(await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(12), 6), deadline: TestService.Deadline()));

        Assert.That(first.State, Is.EqualTo(RunState.Succeeded), first.StatusDetail);
        Assert.That(second.State, Is.EqualTo(RunState.Succeeded), second.StatusDetail);
        Assert.That(second.SimulationsFromStore, Is.Zero);
        Assert.That(second.RequestHash, Is.Not.EqualTo(first.RequestHash));
    }
}
