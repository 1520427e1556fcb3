using NetnsPolicy.Cli;
using NetnsPolicy.Cli.Tests.Support;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary><c>serve --cluster</c> refuses what it cannot use, naming the option, instead of starting without the cluster.</summary>
public sealed class ServeClusterCommandTests
{
    [Test]
    public async Task Serve_ClusterNotAConnectionString_BadInputNamingIt()
    {
        using var folder = new TempFolder();
        var outcome = await CliHarness.RunAsync("serve", "--port", "0", "--web-port", "-1", "--data", folder.Path, "--cluster", "nonsense=1");

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("Cluster:ConnectionString: not an Npgsql connection string"));
    }

    [Test]
    public async Task Serve_ClusterDatabaseUnreachable_ServerUnreachableNamingCluster()
    {
        using var folder = new TempFolder();
        var outcome = await CliHarness.RunAsync("serve", "--port", "0", "--web-port", "-1", "--data", folder.Path,
            "--cluster", "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=5", "--silo-port", "0");

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("--silo-port: must be between 1 and 65535"));

        outcome = await CliHarness.RunAsync("serve", "--port", "0", "--web-port", "-1", "--data", folder.Path,
            "--cluster", "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=5", "--silo-port", Port(), "--gateway-port", Port());

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.ServerUnreachable), outcome.ToString);
        Assert.That(outcome.Error, Does.StartWith("error: --cluster: the silo could not join the cluster"));
    }

    private static string Port() => Scheduling.OrleansEngine.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
