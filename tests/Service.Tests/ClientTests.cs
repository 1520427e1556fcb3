using System.Diagnostics;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// The example clients in examples/clients, run as separate processes against the real service on a loopback port.
/// Their dependencies are installed by scripts/deps/python-grpc.sh and scripts/deps/node-clients.sh (scripts/test.sh).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClientTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task PythonClient_Comparison_PrintsReportOfASucceededRun()
    {
        var client = Path.Combine(RepositoryRoot(), "examples", "clients", "python", "compare.py");
        Assert.That(File.Exists("/usr/bin/python3"), Is.True, "Debian's python3 is missing: run scripts/deps/python-grpc.sh");

        await RunClientAsync("/usr/bin/python3", client, "python example client");
    }

    [Test]
    public async Task NodeClient_Comparison_PrintsReportOfASucceededRun()
    {
        var directory = Path.Combine(RepositoryRoot(), "examples", "clients", "node");
        Assert.That(Directory.Exists(Path.Combine(directory, "node_modules", "@grpc", "grpc-js")), Is.True,
            "the Node client's packages are missing: run scripts/deps/node-clients.sh");

        await RunClientAsync("node", Path.Combine(directory, "compare.js"), "node example client");
    }

    private static async Task RunClientAsync(string program, string script, string description)
    {
        using var db = new TempDatabase();
        await using var service = await TestService.StartAsync(TestService.OptionsFor(db.Path));
        var workload = Path.Combine(db.Directory, "workload.json");
        await File.WriteAllTextAsync(workload, Workloads.Burst(16)).WaitAsync(TestService.CallTimeout);
        var server = $"{service.Running.GrpcAddress.Host}:{service.Running.GrpcAddress.Port}";

        var (exit, stdout, stderr) = await RunAsync(program, script, "--server", server, "--workload", workload,
            "--policy", "baseline=upstream", "--policy", $"contender=batching:batch_size={Requests.ContenderBatchSize}", "--seeds", "1,2");

        Assert.That(exit, Is.Zero, $"stdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.That(stdout, Does.Contain("policy baseline (baseline):"));
        Assert.That(stdout, Does.Contain("policy contender:"));
        Assert.That(stdout, Does.Contain("## test-burst-16"), "the Markdown report");
        Assert.That(stderr, Does.Contain("RUN_STATE_SUCCEEDED"), "progress was streamed to the end");

        // The run the client made is this service's, stored as succeeded.
        var listed = await service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
        var run = listed.Runs.Single();
        Assert.That(run.Description, Is.EqualTo(description));
        Assert.That(run.State, Is.EqualTo(RunState.Succeeded));
        Assert.That(run.Policies, Is.EqualTo(new[] { "baseline", "contender" }));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ClientTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {ClientTimeout}");
        }

        return (process.ExitCode, await stdout.WaitAsync(TestService.CallTimeout), await stderr.WaitAsync(TestService.CallTimeout));
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
}
