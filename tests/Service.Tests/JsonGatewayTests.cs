using System.Net;
using System.Text;
using Google.Protobuf;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>The HTTP/JSON gateway on the HTTP/1.1 port, as curl would use it; and run listing pages.</summary>
[TestFixture]
[NonParallelizable]
public sealed class JsonGatewayTests
{
    private TempDatabase _db = null!;
    private TestService _service = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        _db = new TempDatabase();
        _service = await TestService.StartAsync(TestService.OptionsFor(_db.Path));
        _http = new HttpClient { BaseAddress = _service.Running.WebAddress, Timeout = TestService.CallTimeout };
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        _db.Dispose();
    }

    [Test]
    public async Task PostComparison_Json_RunSucceedsAndMarkdownReportServed()
    {
        var body = JsonFormatter.Default.Format(Requests.Comparison(Workloads.Burst(12), 77));

        using var posted = await _http.PostAsync(new Uri("/v1/comparisons", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await posted.Content.ReadAsStringAsync());
        var run = JsonParser.Default.Parse<Run>(await posted.Content.ReadAsStringAsync());
        await _service.CompleteAsync(run);

        var fetched = JsonParser.Default.Parse<Run>(await _http.GetStringAsync(new Uri($"/v1/runs/{run.Id}", UriKind.Relative)));
        Assert.That(fetched.State, Is.EqualTo(RunState.Succeeded), fetched.StatusDetail);
        Assert.That(fetched.Simulations, Has.Count.EqualTo(2));
        using var markdown = await _http.GetAsync(new Uri($"/v1/runs/{run.Id}/report.md", UriKind.Relative));
        Assert.That(markdown.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/markdown"));
        Assert.That(await markdown.Content.ReadAsStringAsync(), Does.Contain("contender"));
        var structured = JsonParser.Default.Parse<GetReportResponse>(await _http.GetStringAsync(new Uri($"/v1/runs/{run.Id}/report", UriKind.Relative)));
        Assert.That(structured.Report.Baseline, Is.EqualTo("baseline"));
    }

    [Test]
    public async Task PostComparison_BadWorkload_400WithFieldViolation()
    {
        var body = JsonFormatter.Default.Format(Requests.Comparison(Workloads.Burst(0)));

        using var posted = await _http.PostAsync(new Uri("/v1/comparisons", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var text = await posted.Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("google.rpc.BadRequest"));
        Assert.That(text, Does.Contain("\"field\": \"workload.burst.count\""));
    }

    [Test]
    public async Task PostComparison_NotJson_400NamingBody()
    {
        using var posted = await _http.PostAsync(new Uri("/v1/comparisons", UriKind.Relative), new StringContent("{ not json", Encoding.UTF8, "application/json"));

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await posted.Content.ReadAsStringAsync(), Does.Contain("\"field\": \"body\""));
    }

    [Test]
    public async Task PostComparison_BodyOverMessageLimit_429NamingBody()
    {
        var request = Requests.Comparison(Workloads.Burst(10));
        request.Description = new string('d', 2 * 1024 * 1024);

        // Expect: 100-continue lets the server refuse on Content-Length before the body is sent. Where the client sends
        // it anyway (the continue wait ran out on a loaded host), the server may answer and close the connection while
        // the body is still in flight: the client then sees a reset instead of the answer, which is also a refusal.
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/comparisons", UriKind.Relative))
        {
            Content = new StringContent(JsonFormatter.Default.Format(request), Encoding.UTF8, "application/json"),
        };
        message.Headers.ExpectContinue = true;
        HttpResponseMessage posted;
        try
        {
            posted = await _http.SendAsync(message).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (HttpRequestException e) when (e.InnerException is IOException or System.Net.Sockets.SocketException)
        {
            Assert.Pass($"the server closed the connection while the oversized body was being sent ({e.InnerException.Message})");
            throw;
        }

        using (posted)
        {
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(await posted.Content.ReadAsStringAsync(), Does.Contain("\"subject\": \"body\""));
        }
    }

    [Test]
    public async Task GetRun_Unknown_404()
    {
        using var answer = await _http.GetAsync(new Uri("/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV", UriKind.Relative));

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task GetPolicies_Json_ListsBatching()
    {
        var policies = JsonParser.Default.Parse<ListPoliciesResponse>(await _http.GetStringAsync(new Uri("/v1/policies", UriKind.Relative)));

        Assert.That(policies.Policies.Select(p => p.Id), Does.Contain("batching").And.Contain("upstream"));
    }

    [Test]
    public async Task ListRuns_PageSizeTwo_PagesNewestFirstWithoutOverlap()
    {
        var ids = new List<string>();
        for (var seed = 200UL; seed < 203; seed++)
        {
            var run = await _service.Runs.SubmitRunAsync(
                new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Burst(10, seed) }, Policy = "upstream", Seeds = new SeedPlan { Replications = 1 } },
                deadline: TestService.Deadline());
            ids.Add(run.Id);
        }

        var all = await _service.Runs.ListRunsAsync(new ListRunsRequest { PageSize = 1000 }, deadline: TestService.Deadline());
        var first = await _service.Runs.ListRunsAsync(new ListRunsRequest { PageSize = 2 }, deadline: TestService.Deadline());
        var second = await _service.Runs.ListRunsAsync(new ListRunsRequest { PageSize = 2, PageToken = first.NextPageToken }, deadline: TestService.Deadline());

        Assert.That(first.Runs.Select(r => r.Id), Is.EqualTo(all.Runs.Take(2).Select(r => r.Id)));
        Assert.That(second.Runs.Select(r => r.Id), Is.EqualTo(all.Runs.Skip(2).Take(2).Select(r => r.Id)));
        Assert.That(all.Runs.Select(r => r.Id), Is.Ordered.Descending.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(all.Runs.Select(r => r.Id).Take(3), Is.EqualTo(Enumerable.Reverse(ids)), "newest first");
        Assert.That(all.NextPageToken, Is.Empty);
    }
}
