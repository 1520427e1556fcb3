using NetnsPolicy.Cli.Tests.Support;

namespace NetnsPolicy.Cli.Tests.Commands;

/// <summary>Bad input, caught by the parser, the command or the service: exit code 2 and a message naming the field.</summary>
public sealed class CommandValidationTests
{
    [TestCase(new[] { "compare", "container-churn", "--policy", "upstream" }, "--policy", TestName = "Compare_OnePolicy_ExitsBadInputNamingPolicy")]
    [TestCase(new[] { "compare", "container-churn", "-p", "upstream", "-p", "batching", "--replications", "-1" }, "--replications", TestName = "Compare_NegativeReplications_ExitsBadInputNamingReplications")]
    [TestCase(new[] { "compare", "container-churn", "-p", "upstream", "-p", "batching", "--timeout", "-5" }, "--timeout", TestName = "Compare_NegativeTimeout_ExitsBadInputNamingTimeout")]
    [TestCase(new[] { "compare", "container-churn", "-p", "upstream", "-p", "batching", "--format", "yaml" }, "yaml", TestName = "Compare_UnknownFormat_ExitsBadInputNamingValue")]
    [TestCase(new[] { "compare", "container-churn", "-p", "upstream", "-p", "batching:batch_size" }, "--policy[1]", TestName = "Compare_ParameterWithoutValue_ExitsBadInputNamingPolicyIndex")]
    [TestCase(new[] { "compare", "container-churn", "-p", "upstream", "-p", "upstream" }, "--policy", TestName = "Compare_DuplicateLabel_ExitsBadInputNamingPolicy")]
    [TestCase(new[] { "compare", "no/such/workload.json", "-p", "upstream", "-p", "batching" }, "workload", TestName = "Compare_MissingWorkloadFile_ExitsBadInputNamingWorkload")]
    [TestCase(new[] { "compare", "container-churn", "-p", "upstream", "-p", "batching", "--server", "not a url" }, "--server", TestName = "Compare_ServerNotUrl_ExitsBadInputNamingServer")]
    [TestCase(new[] { "tournament", "no/such/tournament.json" }, "file", TestName = "Tournament_MissingFile_ExitsBadInputNamingFile")]
    [TestCase(new[] { "tournament", "x.json", "--budget", "0" }, "--budget", TestName = "Tournament_ZeroBudget_ExitsBadInputNamingBudget")]
    [TestCase(new[] { "serve", "--port", "70000" }, "--port", TestName = "Serve_PortOutOfRange_ExitsBadInputNamingPort")]
    [TestCase(new[] { "serve", "--listen", "nowhere" }, "--listen", TestName = "Serve_ListenNotAnAddress_ExitsBadInputNamingListen")]
    [TestCase(new[] { "compare" }, "workload", TestName = "Compare_NoWorkload_ExitsBadInputNamingWorkload")]
    [TestCase(new[] { "frobnicate" }, "frobnicate", TestName = "Root_UnknownCommand_ExitsBadInputNamingIt")]
    [TestCase(new[] { "probe", "--reference-runs", "101" }, "--reference-runs", TestName = "Probe_ReferenceRunsAboveLimit_ExitsBadInputNamingIt")]
    [TestCase(new[] { "probe", "--reference-runs", "-1" }, "--reference-runs", TestName = "Probe_NegativeReferenceRuns_ExitsBadInputNamingIt")]
    [TestCase(new[] { "probe", "--perf-runs", "21" }, "--perf-runs", TestName = "Probe_PerfRunsAboveLimit_ExitsBadInputNamingIt")]
    [TestCase(new[] { "calibrate", "no/such/folder", "--expedited-qs-defer-probability", "1.5" }, "--expedited-qs-defer-probability", TestName = "Calibrate_DeferProbabilityAboveOne_ExitsBadInputNamingIt")]
    public async Task Invoke_BadInput_ExitsBadInputNamingField(string[] args, string field)
    {
        var outcome = await CliHarness.RunAsync(args).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain(field), outcome.ToString);
    }

    /// <summary>
    /// --expedited-from-umounts on measurements that cannot give the expedited GP's length: the tenth session has no
    /// umount times, a missing folder none at all, the ninth session is another kernel build. Rejected before any
    /// simulation runs.
    /// </summary>
    [TestCase(null, "umount_us_p50_per_run")]
    [TestCase("no/such/folder", "measurements.json")]
    [TestCase("calibration/vm-6.18.44-20261202-ninth", "6.18.44-fc-v1045")]
    public async Task Calibrate_UmountsThatCannotGiveTheLength_ExitsBadInputNamingTheOption(string? from, string reason)
    {
        var root = RepositoryRoot();
        string[] args = ["calibrate", Path.Combine(root, "calibration/vm-6.18.44-20261202-tenth"), "--out", Path.Combine(Path.GetTempPath(), "never-written.json"), "--expedited-from-umounts"];
        if (from is not null)
        {
            args = [.. args, from.StartsWith("no/", StringComparison.Ordinal) ? from : Path.Combine(root, from)];
        }

        var outcome = await CliHarness.RunAsync(args).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("--expedited-from-umounts").And.Contain(reason), outcome.ToString);
    }

    [Test]
    public async Task Calibrate_NormalGpFromIdleWithoutIdleTimes_ExitsBadInputNamingTheOption()
    {
        // The tenth session was probed before the idle synchronize_rcu was timed (host.sync_rcu_idle_ms).
        var outcome = await CliHarness.RunAsync("calibrate", Path.Combine(RepositoryRoot(), "calibration/vm-6.18.44-20261202-tenth"), "--out", Path.Combine(Path.GetTempPath(), "never-written.json"), "--normal-gp-from-idle").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("--normal-gp-from-idle").And.Contain("sync_rcu_idle_ms"), outcome.ToString);
    }

    /// <summary>A pooled fit (several sessions) needs --out, and counts each session once; refused before any simulation.</summary>
    [TestCase(false, "--out", "required with 2 sessions")]
    [TestCase(true, "measurements", "given 2 times")]
    public async Task Calibrate_SeveralSessions_BadInputNamingTheField(bool withOut, string field, string reason)
    {
        var tenth = Path.Combine(RepositoryRoot(), "calibration/vm-6.18.44-20261202-tenth");
        string[] args = ["calibrate", tenth, tenth];
        if (withOut)
        {
            args = [.. args, "--out", Path.Combine(Path.GetTempPath(), "never-written.json")];
        }

        var outcome = await CliHarness.RunAsync(args).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain(field).And.Contain(reason), outcome.ToString);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetnsPolicy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("NetnsPolicy.sln not found above " + AppContext.BaseDirectory);
    }

    [Test]
    public async Task Tournament_InvalidFile_ExitsBadInputNamingEveryField()
    {
        using var folder = new TempFolder();
        var file = folder.File("bad.json", """
            { "format_version": 1, "name": "bad", "baseline": "upstream", "policies": [{ "policy": "upstream" }],
              "tracks": [{ "name": "t", "workload": "container-churn" }], "replications": 0, "colour": "blue" }
            """);

        var outcome = await CliHarness.RunAsync("tournament", file).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("replications").And.Contain("colour"), outcome.ToString);
    }

    [Test]
    public async Task Tournament_UnknownPolicy_ExitsBadInputNamingEntry()
    {
        using var folder = new TempFolder();
        var file = folder.File("unknown.json", """
            { "format_version": 1, "name": "unknown", "baseline": "upstream",
              "policies": [{ "policy": "upstream" }, { "policy": "no-such-policy" }],
              "tracks": [{ "name": "t", "workload": "container-churn" }], "replications": 1 }
            """);

        var outcome = await CliHarness.RunAsync("tournament", file).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("policies[1].policy"), outcome.ToString);
    }

    [Test]
    public async Task Compare_UnknownPolicy_ExitsBadInputWithTheServicesFieldViolation()
    {
        using var folder = new TempFolder();
        var workload = folder.File("tiny.json", TinyWorkloads.Burst(10));

        var outcome = await CliHarness.RunAsync("compare", workload, "-p", "upstream", "-p", "no-such-policy").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("policies[1].policy"), outcome.ToString);
    }

    [Test]
    public async Task Compare_UnreachableServer_ExitsServerUnreachable()
    {
        // Port 9 (discard) on loopback: nothing listens there on a test machine, so the connection is refused.
        var outcome = await CliHarness.RunAsync("compare", "container-churn", "-p", "upstream", "-p", "batching", "--server", "http://127.0.0.1:9").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.ServerUnreachable), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("127.0.0.1:9"), outcome.ToString);
    }

    [Test]
    public async Task Report_UnknownRunId_ExitsBadInput()
    {
        var outcome = await CliHarness.RunAsync("report", "01NOSUCHRUN0000000000000000").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("run_id").Or.Contain("01NOSUCHRUN0000000000000000"), outcome.ToString);
    }
}
