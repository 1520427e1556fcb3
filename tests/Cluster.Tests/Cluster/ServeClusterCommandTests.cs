using NetnsPolicy.Cli;
using NetnsPolicy.Cli.Tests.Support;
using Commands = NetnsPolicy.Cli.Commands;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>
/// <c>serve --cluster</c>: where its settings come from (option, environment), and what it refuses, naming the option,
/// instead of starting without the cluster.
/// </summary>
[NonParallelizable]
public sealed class ServeClusterCommandTests
{
    [Test]
    public void ClusterConfiguration_EnvironmentThenOptions_OptionsWinAndNothingMeansNoCluster()
    {
        Assert.That(Commands.ServeCommand.ClusterConfiguration(null, null, null, null, null), Is.Null, "nothing configured: no cluster");
        Environment.SetEnvironmentVariable("NETNSPOLICY_Cluster__ConnectionString", "Host=db;Database=from-env");
        Environment.SetEnvironmentVariable("NETNSPOLICY_Cluster__SiloPort", "12000");
        try
        {
            var fromEnvironment = Commands.ServeCommand.ClusterConfiguration(null, null, null, null, null);
            var withOptions = Commands.ServeCommand.ClusterConfiguration("Host=db;Database=from-option", 13000, 13001, "10.0.0.7", "m7");

            Assert.That(fromEnvironment, Is.Not.Null);
            Assert.That(fromEnvironment!.ConnectionString, Is.EqualTo("Host=db;Database=from-env"));
            Assert.That(fromEnvironment.SiloPort, Is.EqualTo(12000));
            Assert.That(fromEnvironment.GatewayPort, Is.EqualTo(30000));
            Assert.That(withOptions!.ConnectionString, Is.EqualTo("Host=db;Database=from-option"));
            Assert.That((withOptions.SiloPort, withOptions.GatewayPort, withOptions.AdvertisedAddress, withOptions.SiloName), Is.EqualTo((13000, 13001, "10.0.0.7", "m7")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NETNSPOLICY_Cluster__ConnectionString", null);
            Environment.SetEnvironmentVariable("NETNSPOLICY_Cluster__SiloPort", null);
        }
    }

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
