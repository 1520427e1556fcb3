using System.Text.Json;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// Work budgets: runaway simulations that admission lets through (its limits raised here on purpose) end as
/// <c>budget-exceeded</c> naming what ran away, and a small run submitted with them still completes.
/// </summary>
[TestFixture]
public sealed class BudgetTests
{
    private const long EventBudget = 400_000;
    private const long DeviceBudget = 20_000;

    private static ServiceOptions Options(string db)
    {
        var o = TestService.OptionsFor(db);
        o.MaxNamespacesPerWorkload = 20_000;
        o.MaxDevicesPerWorkload = long.MaxValue;
        o.MaxProbesPerWorkload = long.MaxValue;
        o.MaxRtnlUsers = 1024;
        o.MaxRtnlAttemptsPerSecond = double.MaxValue;
        o.SimulationEventBudget = EventBudget;
        o.SimulationDeviceBudget = DeviceBudget;
        return o;
    }

    private static SubmitRunRequest Single(string json) => new() { Workload = new WorkloadSource { Json = json }, Policy = "upstream" };

    public static IEnumerable<TestCaseData> Storms() =>
    [
        new TestCaseData(Workloads.Burst(10).Replace("\"stop\"", "\"rtnl_users\": { \"count\": 1024, \"mean_interval_ms\": 0.000001, \"hold_us\": 0 }, \"stop\"", StringComparison.Ordinal), "events")
            .SetName("SubmitRun_RtnlStormWithStuckTime_BudgetExceededNamingEvents"),
        new TestCaseData(Workloads.Storm("\"probe\": { \"interval_ms\": 0.01 }"), "events")
            .SetName("SubmitRun_ProbeStorm_BudgetExceededNamingEvents"),
        new TestCaseData(Workloads.Burst(10).Replace("\"burst\"", "\"initial_population\": { \"count\": 10000, \"devices\": { \"veth_pairs\": 160 } }, \"burst\"", StringComparison.Ordinal), "devices")
            .SetName("SubmitRun_DeviceBomb_BudgetExceededNamingDevices"),
    ];

    [TestCaseSource(nameof(Storms))]
    public async Task Storm(string workload, string resource)
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(Options(db.Path));

        var storm = await service.Runs.SubmitRunAsync(Single(workload), deadline: TestService.Deadline());
        var innocent = await service.Runs.SubmitRunAsync(Single(Workloads.Burst(20)), deadline: TestService.Deadline());
        var innocentFinal = await service.CompleteAsync(innocent);
        await service.CompleteAsync(storm);

        var run = await service.Runs.GetRunAsync(new GetRunRequest { RunId = storm.Id, IncludeResults = true }, deadline: TestService.Deadline());
        Assert.That(run.Simulations, Has.Count.EqualTo(1));
        Assert.That(run.Simulations[0].Status, Is.EqualTo("budget-exceeded"));
        using var result = JsonDocument.Parse(run.Simulations[0].ResultJson);
        var detail = result.RootElement.GetProperty("status_detail").GetString();
        Assert.That(detail, Does.StartWith(resource + " budget of " + (resource == "events" ? EventBudget : DeviceBudget)));

        Assert.That(innocentFinal.State, Is.EqualTo(RunState.Succeeded), innocentFinal.StatusDetail);
        var innocentRun = await service.Runs.GetRunAsync(new GetRunRequest { RunId = innocent.Id, IncludeSimulations = true }, deadline: TestService.Deadline());
        Assert.That(innocentRun.Simulations[0].Status, Is.EqualTo("ok"));
    }

    [Test]
    public async Task SubmitRun_HeapOverTheServicesLimit_ResourceExhaustedNamingMemoryAndNothingStored()
    {
        using var db = new TempDatabase();
        var options = Options(db.Path);
        options.MaxHeapBytes = 1;
        await using var service = await TestService.StartAsync(options);

        var error = await RpcAssert.FailsWith(Grpc.Core.StatusCode.ResourceExhausted,
            () => service.Runs.SubmitRunAsync(Single(Workloads.Burst(10)), deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "memory" }));
        var listed = await service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        Assert.That(listed.Runs, Is.Empty);
    }

    [Test]
    public async Task SubmitRun_BudgetExceededResult_NotServedToALaterRunUnderALargerBudget()
    {
        using var db = new TempDatabase();
        var workload = Workloads.Burst(300);
        var small = Options(db.Path);
        small.SimulationEventBudget = 4096;
        await using (var service = await TestService.StartAsync(small))
        {
            var first = await service.CompleteAsync(await service.Runs.SubmitRunAsync(Single(workload), deadline: TestService.Deadline()));
            var run = await service.Runs.GetRunAsync(new GetRunRequest { RunId = first.Id, IncludeSimulations = true }, deadline: TestService.Deadline());
            Assert.That(run.Simulations[0].Status, Is.EqualTo("budget-exceeded"));
        }

        await using (var service = await TestService.StartAsync(Options(db.Path)))
        {
            var second = await service.CompleteAsync(await service.Runs.SubmitRunAsync(Single(workload), deadline: TestService.Deadline()));
            var run = await service.Runs.GetRunAsync(new GetRunRequest { RunId = second.Id, IncludeSimulations = true }, deadline: TestService.Deadline());
            Assert.That(second.SimulationsFromStore, Is.Zero);
            Assert.That(run.Simulations[0].Status, Is.EqualTo("ok"));
        }
    }
}
