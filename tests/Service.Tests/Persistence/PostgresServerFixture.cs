using NetnsPolicy.TestSupport;

namespace NetnsPolicy.Service.Tests.Persistence;

/// <summary>A fixture with its own private PostgreSQL server (<see cref="PostgresInstance"/>), started once for all its tests.</summary>
public abstract class PostgresServerFixture
{
    /// <summary>The bound of every awaited call of these fixtures.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The fixture's server.</summary>
    protected PostgresInstance Server { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        using var cts = new CancellationTokenSource(Timeout);
        Server = await PostgresInstance.StartAsync(cts.Token).WaitAsync(Timeout);
    }

    [OneTimeTearDown]
    public async Task StopServer() => await Server.DisposeAsync().AsTask().WaitAsync(Timeout);
}
