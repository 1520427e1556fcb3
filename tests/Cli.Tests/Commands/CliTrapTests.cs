using System.Net;
using System.Net.Sockets;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Tests.Support;

namespace NetnsPolicy.Cli.Tests.Commands;

/// <summary>The traps a new user fell into (issue 14): each gives a message naming what is wrong and what is right.</summary>
public sealed class CliTrapTests
{
    [Test]
    public async Task Compare_MisspeltOption_NamedWithClosestNotTakenAsPolicy()
    {
        var outcome = await CliHarness.RunAsync("compare", "seed-1000-maxcpus1", "-p", "upstream", "-p", "batching", "--replicatons", "4").ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("unknown option '--replicatons' (did you mean '--replications'?)"), outcome.ToString);
            Assert.That(outcome.Error, Does.Not.Contain("policy id"), outcome.ToString);
        });
    }

    [Test]
    public async Task Root_MisspeltCommand_ClosestNamedAndRootHelpHint()
    {
        var outcome = await CliHarness.RunAsync("simulat").ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("unknown command 'simulat' (did you mean 'simulate'?)"), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("run 'netns-policy --help'"), outcome.ToString);
            Assert.That(outcome.Error, Does.Not.Contain("netns-policy netns-policy"), outcome.ToString);
        });
    }

    [Test]
    public async Task Simulate_MisspeltWorkloadField_FieldPathAndClosestName()
    {
        using var folder = new TempFolder();
        var file = folder.File("typo.json", """
            { "format_version": 1, "name": "typo", "machine": { "cpus": 1, "kernel_profile": "v4.9" },
              "burst": { "cuont": 10, "destroy_after_ms": 10 }, "stop": { "mode": "drain" }, "seed": 1 }
            """);
        var outcome = await CliHarness.RunAsync("simulate", file).ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("burst.cuont: unknown field 'cuont' in the workload (did you mean 'count'?)"), outcome.ToString);
            Assert.That(outcome.Error, Does.Not.Contain(".NET member"), outcome.ToString);
        });
    }

    [TestCase("127.0.0.1:5180", "http://127.0.0.1:5180/")]
    [TestCase("localhost:5180", "http://localhost:5180/")]
    [TestCase("http://127.0.0.1:5180", "http://127.0.0.1:5180/")]
    [TestCase("https://example.org", "https://example.org/")]
    public void TryParseServer_HostPortOrUrl_Accepted(string text, string expected)
    {
        Assert.That(ConnectionOptions.TryParseServer(text, out var uri), Is.True);
        Assert.That(uri.ToString(), Is.EqualTo(expected));
    }

    [TestCase("not a url")]
    [TestCase("ftp://host:21")]
    [TestCase("localhost")]
    public void TryParseServer_Neither_Refused(string text) => Assert.That(ConnectionOptions.TryParseServer(text, out _), Is.False);

    [Test]
    public async Task Policies_ServerIsHttp11Port_SaysWhichPortIsGrpc()
    {
        // An HTTP/1.1-only listener answers like the service's web port: the gRPC client gets HTTP_1_1_REQUIRED.
        using var web = new HttpListener();
        var port = FreePort();
        web.Prefixes.Add($"http://127.0.0.1:{port}/");
        web.Start();
        var outcome = await CliHarness.RunAsync("policies", "--server", $"127.0.0.1:{port}").ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.ServerUnreachable), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("--server wants the gRPC port (5180 by default"), outcome.ToString);
        });
    }

    [Test]
    public async Task Serve_PortInUse_ClearMessageWithoutStackTrace()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        using var folder = new TempFolder();
        var outcome = await CliHarness.RunAsync("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web-port", "-1", "--data", folder.Path).ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.ServerUnreachable), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain($"--port: 127.0.0.1:{port} is already in use"), outcome.ToString);
            Assert.That(outcome.Error + outcome.Out, Does.Not.Contain("   at "), outcome.ToString);
        });
    }

    [TestCase("--help", TestName = "Help_Root_ListsExitCodes")]
    [TestCase("compare --help", TestName = "Help_Compare_ListsExitCodes")]
    public async Task Help_Command_ListsExitCodes(string command)
    {
        var outcome = await CliHarness.RunAsync(command.Split(' ')).ConfigureAwait(false);
        Assert.That(outcome.Out, Does.Contain("Exit codes: 0 ok; 1 a tournament gate failed; 2 bad input"), outcome.ToString);
    }

    [TestCase("--help")]
    [TestCase("tournament --help")]
    public async Task Help_Command_ListsExitCodesOnce(string command)
    {
        var outcome = await CliHarness.RunAsync(command.Split(' ')).ConfigureAwait(false);
        Assert.That(outcome.Out.Split("Exit codes:").Length - 1, Is.EqualTo(1), outcome.ToString);
    }

    [Test]
    public async Task Tournament_ShippedName_ResolvedOrClosestNamed()
    {
        var outcome = await CliHarness.RunAsync("tournament", "mian", "--budget", "1").ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("(did you mean 'main'?)"), outcome.ToString);
        });
    }

    [Test]
    public async Task Policies_PluginsFolderMissing_NamesOption()
    {
        var outcome = await CliHarness.RunAsync("policies", "--plugins", "/no/such/plugins").ConfigureAwait(false);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
            Assert.That(outcome.Error, Does.Contain("--plugins: plugins folder '/no/such/plugins' does not exist"), outcome.ToString);
        });
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
