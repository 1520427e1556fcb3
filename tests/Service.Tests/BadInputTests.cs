using Grpc.Core;
using Grpc.Health.V1;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// The bad-input table: each row is a request the service must refuse with the right status and a detail naming the
/// field, without storing anything and without harming the service.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BadInputTests
{
    private TempDatabase _db = null!;
    private TestService _service = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        _db = new TempDatabase();
        _service = await TestService.StartAsync(TestService.OptionsFor(_db.Path));
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await _service.DisposeAsync();
        _db.Dispose();
    }

    /// <summary>A comparison request edited by one row.</summary>
    public sealed record Row(string Name, Func<SubmitComparisonRequest, SubmitComparisonRequest> Edit, StatusCode Code, string Field)
    {
        public override string ToString() => Name;
    }

    private static SubmitComparisonRequest WithWorkload(SubmitComparisonRequest r, string json)
    {
        r.Workload = new WorkloadSource { Json = json };
        return r;
    }

    private static SubmitComparisonRequest Edit(SubmitComparisonRequest r, Action<SubmitComparisonRequest> edit)
    {
        edit(r);
        return r;
    }

    public static IEnumerable<Row> Rows() =>
    [
        new("empty workload", r => WithWorkload(r, ""), StatusCode.InvalidArgument, "workload.json"),
        new("no workload", r => Edit(r, x => x.Workload = null), StatusCode.InvalidArgument, "workload"),
        new("unknown shipped workload", r => Edit(r, x => x.Workload = new WorkloadSource { Builtin = "no-such-workload" }), StatusCode.InvalidArgument, "workload.builtin"),
        new("zero burst count", r => WithWorkload(r, Workloads.Burst(0)), StatusCode.InvalidArgument, "workload.burst.count"),
        new("negative burst count", r => WithWorkload(r, Workloads.Burst(-5)), StatusCode.InvalidArgument, "workload.burst.count"),
        new("zero cpus", r => WithWorkload(r, Workloads.Burst(10, cpus: 0)), StatusCode.InvalidArgument, "workload.machine.cpus"),
        new("malformed workload JSON", r => WithWorkload(r, "{ \"format_version\": 1, \"burst\": { \"count\": } }"), StatusCode.InvalidArgument, "workload.burst.count"),
        new("wrongly typed workload field", r => WithWorkload(r, Workloads.Burst(10).Replace("\"cpus\": 2", "\"cpus\": \"two\"", StringComparison.Ordinal)), StatusCode.InvalidArgument, "workload.machine.cpus"),
        new("namespace count over the limit", r => WithWorkload(r, Workloads.Burst(50_000)), StatusCode.ResourceExhausted, "workload.burst.count"),
        new("oversized workload", r => WithWorkload(r, Workloads.Burst(10).Replace("// a test burst", "// " + new string('x', 70 * 1024), StringComparison.Ordinal)), StatusCode.ResourceExhausted, "workload.json"),
        new("unknown policy", r => Edit(r, x => x.Policies[1].Policy = "no-such-policy"), StatusCode.InvalidArgument, "policies[1].policy"),
        new("missing policy", r => Edit(r, x => x.Policies[1].Policy = ""), StatusCode.InvalidArgument, "policies[1].policy"),
        new("conflicting policy stack", r => Edit(r, x => x.Policies[1].Policy = "batching+adaptive"), StatusCode.InvalidArgument, "policies[1].policy"),
        new("unknown parameter", r => Edit(r, x => x.Policies[1].Parameters["batch_sise"] = "32"), StatusCode.InvalidArgument, "policies[1].parameters.batch_sise"),
        new("malformed parameter", r => Edit(r, x => x.Policies[1].Parameters["batch_size"] = "lots"), StatusCode.InvalidArgument, "policies[1].parameters.batch_size"),
        new("parameter below its range", r => Edit(r, x => x.Policies[1].Parameters["batch_size"] = "0"), StatusCode.InvalidArgument, "policies[1].parameters.batch_size"),
        new("parameter above its range", r => Edit(r, x => x.Policies[1].Parameters["batch_size"] = "100001"), StatusCode.InvalidArgument, "policies[1].parameters.batch_size"),
        new("parameter for a policy without parameters", r => Edit(r, x => x.Policies[0].Parameters["batch_size"] = "8"), StatusCode.InvalidArgument, "policies[0].parameters.batch_size"),
        new("duplicate label", r => Edit(r, x => x.Policies[1].Label = "baseline"), StatusCode.InvalidArgument, "policies[1].label"),
        new("one contender only", r => Edit(r, x => x.Policies.RemoveAt(1)), StatusCode.InvalidArgument, "policies"),
        new("unknown baseline", r => Edit(r, x => x.Baseline = "nobody"), StatusCode.InvalidArgument, "baseline"),
        new("unknown kernel profile", r => Edit(r, x => x.KernelProfile = "v9.99"), StatusCode.InvalidArgument, "kernel_profile"),
        new("unknown kernel profile in workload", r => WithWorkload(r, Workloads.Burst(10, profile: "v0.1")), StatusCode.InvalidArgument, "workload.machine.kernel_profile"),
        new("negative replications", r => Edit(r, x => x.Seeds.Replications = -1), StatusCode.InvalidArgument, "seeds.replications"),
        new("duplicate seed", r => Edit(r, x => x.Seeds.Seeds.Add(x.Seeds.Seeds[0])), StatusCode.InvalidArgument, "seeds.seeds[1]"),
        new("too many simulations", r => Edit(r, x => x.Seeds.Replications = 51), StatusCode.ResourceExhausted, "seeds"),
        new("negative timeout", r => Edit(r, x => x.Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(-1))), StatusCode.InvalidArgument, "timeout"),
        new("timeout nanos out of protobuf's range", r => Edit(r, x => x.Timeout = new Google.Protobuf.WellKnownTypes.Duration { Seconds = 1, Nanos = 2_000_000_000 }), StatusCode.InvalidArgument, "timeout.nanos"),
        new("timeout over the server's ceiling", r => Edit(r, x => x.Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(7))), StatusCode.InvalidArgument, "timeout"),
        new("format_version missing", r => WithWorkload(r, Workloads.Burst(10).Replace("\"format_version\": 1,", "", StringComparison.Ordinal)), StatusCode.InvalidArgument, "workload.format_version"),
        new("duplicate JSON key", r => WithWorkload(r, Workloads.Burst(10).Replace("\"count\": 10,", "\"count\": 10, \"count\": 4000,", StringComparison.Ordinal)), StatusCode.InvalidArgument, "workload.burst.count"),
        new("NUL in a label", r => Edit(r, x => x.Policies[1].Label = "con\0tender"), StatusCode.InvalidArgument, "policies[1].label"),
        new("BiDi override in a label", r => Edit(r, x => x.Policies[1].Label = "evil\u202Eredli"), StatusCode.InvalidArgument, "policies[1].label"),
        new("control character in the workload name", r => WithWorkload(r, Workloads.Burst(10).Replace("\"name\": \"test-burst-10\"", "\"name\": \"burst\\u001b[2J\"", StringComparison.Ordinal)), StatusCode.InvalidArgument, "workload.name"),
        new("200 KB label", r => Edit(r, x => x.Policies[1].Label = new string('l', 200_000)), StatusCode.InvalidArgument, "policies[1].label"),
        new("device bomb (namespaces × devices)", r => WithWorkload(r, Workloads.Burst(4000).Replace("\"create_parallelism\"", "\"devices\": { \"veth_pairs\": 160 }, \"create_parallelism\"", StringComparison.Ordinal)), StatusCode.ResourceExhausted, "workload.burst.devices"),
        new("probe storm (rate × duration)", r => WithWorkload(r, Workloads.Storm("\"probe\": { \"interval_ms\": 0.01 }")), StatusCode.ResourceExhausted, "workload.probe.interval_ms"),
        new("1024 RTNL users", r => WithWorkload(r, Workloads.Burst(10).Replace("\"stop\"", "\"rtnl_users\": { \"count\": 1024, \"mean_interval_ms\": 10 }, \"stop\"", StringComparison.Ordinal)), StatusCode.ResourceExhausted, "workload.rtnl_users.count"),
        new("RTNL users every 1e-6 ms", r => WithWorkload(r, Workloads.Burst(10).Replace("\"stop\"", "\"rtnl_users\": { \"count\": 100, \"mean_interval_ms\": 0.000001 }, \"stop\"", StringComparison.Ordinal)), StatusCode.ResourceExhausted, "workload.rtnl_users.mean_interval_ms"),
    ];

    [TestCaseSource(nameof(Rows))]
    public async Task SubmitComparison_BadInput_RefusedNamingTheField(Row row)
    {
        var request = row.Edit(Requests.Comparison(Workloads.Burst(10)));

        var error = await RpcAssert.FailsWith(row.Code, () => _service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Does.Contain(row.Field), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.Contain(row.Field));
        await AssertNothingStoredAndServing();
    }

    [Test]
    public async Task SubmitRun_UnknownParameter_FieldNamedWithoutContenderPrefix()
    {
        var request = new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Burst(10) }, Policy = "batching", Parameters = { ["batch_size"] = "abc" } };

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => _service.Runs.SubmitRunAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "parameters.batch_size" }));
        await AssertNothingStoredAndServing();
    }

    [Test]
    public async Task SubmitComparison_SeveralBadFields_EveryOneNamed()
    {
        var request = Requests.Comparison(Workloads.Burst(10));
        request.Policies[1].Policy = "no-such-policy";
        request.Seeds.Replications = -3;
        request.KernelProfile = "v0";

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => _service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.SupersetOf(new[] { "policies[1].policy", "seeds.replications", "kernel_profile" }));
        await AssertNothingStoredAndServing();
    }

    [Test]
    public async Task SubmitComparison_MessageOverTransportLimit_ResourceExhausted()
    {
        var request = Requests.Comparison(Workloads.Burst(10));
        request.Description = new string('d', 2 * 1024 * 1024);

        var error = await RpcAssert.FailsWith(StatusCode.ResourceExhausted, () => _service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(error.Status.Detail, Does.Contain("message").IgnoreCase);
        await AssertNothingStoredAndServing();
    }

    [TestCase("01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    public async Task RunCalls_UnknownRunId_NotFoundNamingRunId(string id)
    {
        foreach (var call in new Func<Task>[]
        {
            () => _service.Runs.GetRunAsync(new GetRunRequest { RunId = id }, deadline: TestService.Deadline()).ResponseAsync,
            () => _service.Runs.CancelRunAsync(new CancelRunRequest { RunId = id }, deadline: TestService.Deadline()).ResponseAsync,
            () => _service.Runs.GetReportAsync(new GetReportRequest { RunId = id }, deadline: TestService.Deadline()).ResponseAsync,
            () => _service.WatchToEndAsync(id),
        })
        {
            var error = await RpcAssert.FailsWith(StatusCode.NotFound, call);
            Assert.That(error.Status.Detail, Does.StartWith("run_id"));
        }

        await AssertNothingStoredAndServing();
    }

    [TestCase("")]
    [TestCase("not-a-run-id")]
    [TestCase("01ARZ3NDEKTSV4RRFFQ69G5FAU!")]
    public async Task GetRun_MalformedRunId_InvalidArgumentNamingRunId(string id)
    {
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _service.Runs.GetRunAsync(new GetRunRequest { RunId = id }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "run_id" }));
    }

    [Test]
    public async Task GetReport_UnspecifiedFormat_InvalidArgumentNamingFormats()
    {
        var request = new GetReportRequest { RunId = "01ARZ3NDEKTSV4RRFFQ69G5FAV", Formats = { ReportFormat.Markdown, ReportFormat.Unspecified } };

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => _service.Runs.GetReportAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "formats[1]" }));
    }

    [Test]
    public async Task ListRuns_PageSizeOutOfRange_InvalidArgumentNamingPageSize()
    {
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _service.Runs.ListRunsAsync(new ListRunsRequest { PageSize = 5000 }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "page_size" }));
    }

    [Test]
    public async Task ListRuns_StateFilterNotARunState_InvalidArgumentNamingItsPosition()
    {
        var request = new ListRunsRequest { States = { RunState.Succeeded, RunState.Unspecified, (RunState)42 } };

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _service.Runs.ListRunsAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "states[1]" }));
        Assert.That(error.Status.Detail, Does.Contain("must be a run state"));
    }

    private async Task AssertNothingStoredAndServing()
    {
        var listed = await _service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        Assert.That(listed.Runs, Is.Empty, "a refused request must leave no run behind");
        var health = await new Health.HealthClient(_service.Channel).CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        Assert.That(health.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }
}
