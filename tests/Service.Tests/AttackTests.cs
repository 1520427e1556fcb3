using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// Rows of the attack table (issue 13) not covered by <see cref="BadInputTests"/>: client-named files in tournaments,
/// bounded error echo, cancel of a finished run, the gateway's errors, cross-site requests, the tournament cap.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AttackTests
{
    private TempDatabase _db = null!;
    private TestService _service = null!;
    private HttpClient _http = null!;
    private TournamentService.TournamentServiceClient _tournaments = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        _db = new TempDatabase();
        _service = await TestService.StartAsync(TestService.OptionsFor(_db.Path));
        _http = new HttpClient { BaseAddress = _service.Running.WebAddress, Timeout = TestService.CallTimeout };
        _tournaments = new TournamentService.TournamentServiceClient(_service.Channel);
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        _db.Dispose();
    }

    private static string Tournament(string track, int replications = 2, string sweep = "[4, 8]") => $$"""
        {
          "format_version": 1,
          "name": "attack",
          "baseline": "upstream",
          "policies": [ { "policy": "upstream" }, { "policy": "batching", "sweep": { "batch_size": {{sweep}} } } ],
          "tracks": [ {{track}} ],
          "replications": {{replications}}
        }
        """;

    private static string WorkloadFile() =>
        Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "workloads", "seed-1000-maxcpus1.json"));

    public static IEnumerable<TestCaseData> FileNames() =>
    [
        new TestCaseData("/etc/passwd").SetName("StartTournament_TrackNamesEtcPasswd_RefusedWithoutReadingIt"),
        new TestCaseData("/proc/self/environ").SetName("StartTournament_TrackNamesProcFile_RefusedWithoutReadingIt"),
        new TestCaseData("../../workloads/seed-1000-maxcpus1.json").SetName("StartTournament_TrackNamesRelativeWorkloadFile_Refused"),
    ];

    [TestCaseSource(nameof(FileNames))]
    public async Task TrackFile(string name)
    {
        var json = Tournament($$"""{ "name": "t", "workload": "{{name}}" }""");

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Does.Contain("tournament_json.tracks[0].workload"));
        Assert.That(error.Status.Detail, Does.Contain("files are not read"));
        Assert.That(error.Status.Detail, Does.Not.Contain("root:").And.Not.Contain("PATH="));
    }

    [Test]
    public async Task StartTournament_AbsolutePathToAValidWorkload_Refused()
    {
        Assert.That(File.Exists(WorkloadFile()), Is.True, WorkloadFile());
        var json = Tournament($$"""{ "name": "t", "workload": "{{WorkloadFile()}}" }""");

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Does.Contain("tournament_json.tracks[0].workload"));
    }

    [Test]
    public async Task StartTournament_KernelProfileAsAPath_Refused()
    {
        var json = Tournament("""{ "name": "t", "workload": "seed-1000-maxcpus1", "kernel_profile": "/etc/passwd" }""");

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Does.Contain("tournament_json.tracks[0].kernel_profile"));
        Assert.That(error.Status.Detail, Does.Not.Contain("root:"));
    }

    [Test]
    public async Task StartTournament_InlineWorkload_Accepted()
    {
        var inline = Workloads.Burst(10).Replace("// a test burst", "", StringComparison.Ordinal);
        var json = Tournament($$"""{ "name": "inline", "workload": {{inline}} }""", replications: 1, sweep: "[4]");

        var started = await _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline());

        Assert.That(started.SimulationsTotal, Is.EqualTo(2));
        await _tournaments.CancelTournamentAsync(new CancelTournamentRequest { TournamentId = started.Id }, deadline: TestService.Deadline());
    }

    [Test]
    public async Task StartTournament_ThousandValuesTimesThousandReplications_ResourceExhausted()
    {
        var sweep = "[" + string.Join(", ", Enumerable.Range(1, 1000)) + "]";
        var json = Tournament("""{ "name": "t", "workload": "seed-1000-maxcpus1" }""", replications: 1000, sweep: sweep);

        var error = await RpcAssert.FailsWith(StatusCode.ResourceExhausted,
            () => _tournaments.StartTournamentAsync(new StartTournamentRequest { TournamentJson = json }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Is.EqualTo(new[] { "tournament_json.policies" }), "1001 entries (the sweep's 1000 and upstream) are the largest factor");
        Assert.That(error.Status.Detail, Does.Contain("1001000 simulations"));
    }

    public static IEnumerable<TestCaseData> HugeInputs() =>
    [
        new TestCaseData(new string('p', 100_000)).SetName("SubmitComparison_100KBPolicyId_ErrorEchoesABoundedPrefix"),
        new TestCaseData(string.Join("+", Enumerable.Repeat("batching", 10_000))).SetName("SubmitComparison_10000MemberStack_ErrorEchoesABoundedPrefix"),
    ];

    [TestCaseSource(nameof(HugeInputs))]
    public async Task HugeInput(string policy)
    {
        var request = Requests.Comparison(Workloads.Burst(10));
        request.Policies[1].Policy = policy;

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => _service.Runs.SubmitComparisonAsync(request, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(RpcAssert.Fields(error), Does.Contain("policies[1].policy"));
        Assert.That(error.Status.Detail.Length, Is.LessThanOrEqualTo(2048));
        Assert.That(error.Trailers.Sum(t => t.IsBinary ? t.ValueBytes.Length : t.Value.Length), Is.LessThan(8 * 1024));

        // The channel survived: the next call on it works.
        var health = await new Health.HealthClient(_service.Channel).CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
        Assert.That(health.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Test]
    public async Task CancelRun_AfterEverySimulationFinished_FailedPreconditionAndStaysSucceeded()
    {
        var run = await _service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 4242), deadline: TestService.Deadline());
        var final = await _service.CompleteAsync(run);
        Assert.That(final.State, Is.EqualTo(RunState.Succeeded));

        var error = await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => _service.Runs.CancelRunAsync(new CancelRunRequest { RunId = run.Id }, deadline: TestService.Deadline()).ResponseAsync);

        Assert.That(error.Status.Detail, Does.Contain("run_id"));
        var after = await _service.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id }, deadline: TestService.Deadline());
        Assert.That(after.State, Is.EqualTo(RunState.Succeeded));
    }

    [TestCase("page_size=abc", "page_size")]
    [TestCase("page_size=0", "page_size")]
    [TestCase("page_token=zzz", "page_token")]
    public async Task GetRuns_MalformedQuery_400WithBodyNamingTheField(string query, string field) => await MalformedQuery("/v1/runs?" + query, field);

    [TestCase("page_size=abc", "page_size")]
    [TestCase("page_token=zzz", "page_token")]
    public async Task GetTournaments_MalformedQuery_400WithBodyNamingTheField(string query, string field) => await MalformedQuery("/v1/tournaments?" + query, field);

    private async Task MalformedQuery(string path, string field)
    {
        using var answer = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var status = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.That(status.RootElement.GetProperty("code").GetInt32(), Is.EqualTo((int)Google.Rpc.Code.InvalidArgument));
        Assert.That(status.RootElement.GetProperty("message").GetString(), Does.StartWith(field + ":"));
        Assert.That(status.RootElement.GetProperty("details")[0].GetProperty("fieldViolations")[0].GetProperty("field").GetString(), Is.EqualTo(field));
    }

    [Test]
    public async Task PostComparison_CrossSiteFormPost_RefusedAndNothingStored()
    {
        var before = await _service.Runs.ListRunsAsync(new ListRunsRequest { PageSize = 1000 }, deadline: TestService.Deadline());
        var body = JsonFormatter.Default.Format(Requests.Comparison(Workloads.Burst(10), 31337));

        // What a page on evil.example can send without a preflight: a text/plain body with its Origin.
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/comparisons", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        crossSite.Headers.Add("Origin", "http://evil.example");
        using var refused = await _http.SendAsync(crossSite);

        // The same body as text/plain without an Origin (curl): still refused, JSON bodies only.
        using var plain = await _http.PostAsync(new Uri("/v1/comparisons", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"));

        // DNS rebinding: the right address under another name.
        using var rebound = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/comparisons", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        rebound.Headers.Host = "evil.example";
        using var reboundAnswer = await _http.SendAsync(rebound);

        // A form post.
        using var form = await _http.PostAsync(new Uri("/v1/comparisons", UriKind.Relative), new FormUrlEncodedContent([KeyValuePair.Create("x", body)]));

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(refused.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType), await plain.Content.ReadAsStringAsync());
        Assert.That(await plain.Content.ReadAsStringAsync(), Does.Contain("content-type"));
        Assert.That(reboundAnswer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        var after = await _service.Runs.ListRunsAsync(new ListRunsRequest { PageSize = 1000 }, deadline: TestService.Deadline());
        Assert.That(after.Runs, Has.Count.EqualTo(before.Runs.Count), "no refused request stored a run");
    }

    [Test]
    public async Task Preflight_FromAnyOrigin_NoCorsAllowanceByDefault()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/v1/comparisons", UriKind.Relative));
        preflight.Headers.Add("Origin", "http://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var answer = await _http.SendAsync(preflight);

        Assert.That(answer.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }
}
