using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Api;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Tests;

/// <summary>Fair queueing across clients: one client's long queue does not hold another's single simulation behind it.</summary>
[TestFixture]
public sealed class FairnessTests
{
    /// <summary>
    /// Each simulation waits for its own release; releases go to simulations in the order the workers took them, so
    /// completion order is the scheduler's order (one semaphore shared by all would wake whichever waiter spins first,
    /// not the one taken first). Completions are recorded by seed, in order.
    /// </summary>
    private sealed class OrderedGate : ISimulationExecutor, IDisposable
    {
        private readonly ConcurrentQueue<SemaphoreSlim> _waiting = new();
        private readonly SemaphoreSlim _started = new(0);
        private readonly SemaphoreSlim _done = new(0);

        public ConcurrentQueue<ulong> Completed { get; } = new();

        /// <summary>Lets the longest-waiting simulation finish (waiting for one to start if none has).</summary>
        public async Task ReleaseAsync()
        {
            Assert.That(await _started.WaitAsync(TestService.CallTimeout), Is.True, "no simulation started");
            Assert.That(_waiting.TryDequeue(out var next), Is.True);
            next!.Release();
        }

        public Task WaitDoneAsync() => _done.WaitAsync(TestService.CallTimeout);

        public SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
        {
            using var release = new SemaphoreSlim(0);
            _waiting.Enqueue(release);
            _started.Release();
            release.Wait(cancellationToken);
            Completed.Enqueue(input.Seed);
            _done.Release();
            return new SimulationOutput("ok", "{}");
        }

        public void Dispose()
        {
            _started.Dispose();
            _done.Dispose();
        }
    }

    [Test]
    public async Task SubmitComparison_ClientBAfterClientAs200_BFinishesBeforeAs20th()
    {
        using var db = new TempDatabase();
        using var gate = new OrderedGate();
        var options = TestService.OptionsFor(db.Path);
        options.MaxSimulationsPerRun = 1000;
        Action<WebApplicationBuilder> configure = b => b.Services.AddSingleton<ISimulationExecutor>(gate);
        await using var service = await TestService.StartAsync(options, configure);

        // Client A: 100 seeds × 2 contenders = 200 simulations (seeds 1–100), on its own connection.
        var a = Requests.Comparison(Workloads.Burst(10), [.. Enumerable.Range(1, 100).Select(i => (ulong)i)]);
        await service.Runs.SubmitComparisonAsync(a, deadline: TestService.Deadline());

        // Client B: one simulation (seed 777) from another loopback address (keyless clients are told apart by address).
        using var channelB = ChannelFrom(service.Running.GrpcAddress, IPAddress.Parse("127.0.0.2"));
        var b = new RunService.RunServiceClient(channelB);
        var bRun = await b.SubmitRunAsync(new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Burst(10) }, Policy = "upstream", Seeds = new SeedPlan { Seeds = { 777 } } }, deadline: TestService.Deadline());

        // One simulation at a time finishes, until B's has (or A has had 20).
        for (var i = 0; i < 40 && !gate.Completed.Contains(777UL) && gate.Completed.Count(s => s != 777) < 20; i++)
        {
            await gate.ReleaseAsync();
            await gate.WaitDoneAsync();
        }

        var order = gate.Completed.ToList();
        Assert.That(order, Does.Contain(777UL), "B's simulation finished within the first 40");
        Assert.That(order.IndexOf(777UL), Is.LessThan(19), $"A's simulations finished before B's: {order.IndexOf(777UL)}");
        Assert.That(bRun.SimulationsTotal, Is.EqualTo(1));
    }

    [Test]
    public async Task SubmitRun_OneKeylessClientOnEightConnections_OneClientToTheFairQueue()
    {
        using var db = new TempDatabase();
        using var gate = new OrderedGate();
        var options = TestService.OptionsFor(db.Path);
        Action<WebApplicationBuilder> configure = b => b.Services.AddSingleton<ISimulationExecutor>(gate);
        await using var service = await TestService.StartAsync(options, configure);

        // Client A (127.0.0.1): eight connections, 20 simulations on each (seeds 1–160).
        var channels = Enumerable.Range(0, 8).Select(_ => GrpcChannel.ForAddress(service.Running.GrpcAddress)).ToList();
        try
        {
            for (var c = 0; c < channels.Count; c++)
            {
                var seeds = new SeedPlan { Replications = 1 };
                seeds.Seeds.Add(Enumerable.Range(1 + (c * 20), 20).Select(i => (ulong)i));
                await new RunService.RunServiceClient(channels[c]).SubmitRunAsync(
                    new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Burst(10) }, Policy = "upstream", Seeds = seeds }, deadline: TestService.Deadline());
            }

            // Client B (127.0.0.2): one simulation. Keyed by connection, A would have eight turns to B's one.
            using var channelB = ChannelFrom(service.Running.GrpcAddress, IPAddress.Parse("127.0.0.2"));
            await new RunService.RunServiceClient(channelB).SubmitRunAsync(
                new SubmitRunRequest { Workload = new WorkloadSource { Json = Workloads.Burst(10) }, Policy = "upstream", Seeds = new SeedPlan { Seeds = { 777 } } }, deadline: TestService.Deadline());

            for (var i = 0; i < 20 && !gate.Completed.Contains(777UL); i++)
            {
                await gate.ReleaseAsync();
                await gate.WaitDoneAsync();
            }
        }
        finally
        {
            channels.ForEach(c => c.Dispose());
        }

        // Two workers hold A's first two; then A and B alternate: B's is among the first five, not behind eight of A's.
        var order = gate.Completed.ToList();
        Assert.That(order, Does.Contain(777UL), "B's simulation finished within the first 20");
        Assert.That(order.IndexOf(777UL), Is.LessThan(5), $"A's simulations finished before B's: {order.IndexOf(777UL)}");
    }

    [Test]
    public void Of_KeylessPeersOnOneAddress_OneClientWhateverThePortOrMapping()
    {
        static string Peer(string address, int port)
        {
            var http = new DefaultHttpContext();
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            http.Connection.RemotePort = port;
            return ClientIdentity.Of(http);
        }

        Assert.That(Peer("127.0.0.1", 40000), Is.EqualTo("peer:127.0.0.1"));
        Assert.That(Peer("127.0.0.1", 40001), Is.EqualTo(Peer("127.0.0.1", 40000)));
        Assert.That(Peer("::ffff:127.0.0.1", 40002), Is.EqualTo(Peer("127.0.0.1", 40000)));
        Assert.That(Peer("127.0.0.2", 40000), Is.Not.EqualTo(Peer("127.0.0.1", 40000)));
    }

    /// <summary>A channel whose connections leave from <paramref name="local"/> (another loopback address: a second client).</summary>
    private static GrpcChannel ChannelFrom(Uri address, IPAddress local) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        DisposeHttpClient = true,
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        },
    });
}
