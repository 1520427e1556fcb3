using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// Tournaments persisted like runs: the standalone service killed with SIGKILL in the middle of a tournament resumes
/// it at the next start and ends with results byte-identical to an uninterrupted run.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class TournamentRestartTests
{
    private const string Definition = """
        {
          "format_version": 1,
          "name": "restart",
          "baseline": "upstream",
          "policies": [ { "policy": "upstream" }, { "policy": "batching", "sweep": { "batch_size": [4, 8] } } ],
          "tracks": [ { "name": "burst", "workload": "seed-1000-maxcpus1", "workload_patch": { "name": "burst-600", "burst": { "count": 600 } } } ],
          "replications": 6,
          "stability": { "resamples": 50, "seed": 1 }
        }
        """;

    [Test]
    public async Task StartTournament_ServiceKilledMidway_ResumedToByteIdenticalResults()
    {
        using var reference = new TempDatabase();
        Tournament uninterrupted;
        await using (var service = await TestService.StartAsync(TestService.OptionsFor(reference.Path)))
        {
            var client = new TournamentService.TournamentServiceClient(service.Channel);
            var started = await client.StartTournamentAsync(new StartTournamentRequest { TournamentJson = Definition }, deadline: TestService.Deadline());
            uninterrupted = await FinalAsync(client, started.Id, _ => false);
        }
        using var db = new TempDatabase();
        string id;
        using (var first = await Standalone.StartAsync(db.Path))
        {
            var client = new TournamentService.TournamentServiceClient(first.Channel);
            var started = await client.StartTournamentAsync(new StartTournamentRequest { TournamentJson = Definition }, deadline: TestService.Deadline());
            id = started.Id;
            TournamentProgress? atKill = null;
            await FinalAsync(client, id, p =>
            {
                atKill = p;
                return p.SimulationsDone >= 1;
            });
            first.Kill();
            Assert.That(atKill!.SimulationsDone, Is.InRange(1, atKill.SimulationsTotal - 1), "killed in the middle of the tournament");
        }
        using var second = await Standalone.StartAsync(db.Path);
        var resumed = await FinalAsync(new TournamentService.TournamentServiceClient(second.Channel), id, _ => false);
        Assert.That(uninterrupted.State, Is.EqualTo(TournamentState.Passed).Or.EqualTo(TournamentState.GateFailed));
        Assert.That(resumed.State, Is.EqualTo(uninterrupted.State));
        Assert.That(resumed.Json, Is.EqualTo(uninterrupted.Json), "the result JSON is byte-identical");
        Assert.That(resumed.Markdown, Is.EqualTo(uninterrupted.Markdown));
    }

    /// <summary>Watches until the final message (or until <paramref name="stop"/> says so; then null) and returns it.</summary>
    private static async Task<Tournament> FinalAsync(TournamentService.TournamentServiceClient client, string id, Func<TournamentProgress, bool> stop)
    {
        using var watch = client.WatchTournament(new WatchTournamentRequest { TournamentId = id }, deadline: TestService.Deadline());
        await foreach (var progress in watch.ResponseStream.ReadAllAsync())
        {
            if (progress.FinalTournament is { } final)
            {
                return final;
            }

            if (stop(progress))
            {
                return null!;
            }
        }

        throw new InvalidOperationException("the watch ended without a final message");
    }

    /// <summary>The service's own program (the test's output folder has it) in a child process on loopback.</summary>
    private sealed partial class Standalone : IDisposable
    {
        private readonly Process _process;

        private Standalone(Process process, Uri address)
        {
            _process = process;
            Channel = GrpcChannel.ForAddress(address);
        }

        public GrpcChannel Channel { get; }

        public static async Task<Standalone> StartAsync(string databasePath)
        {
            var folder = TestContext.CurrentContext.TestDirectory;
            var info = new ProcessStartInfo(Path.Combine(folder, "NetnsPolicy.Service"))
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["NetnsPolicy__ListenAddress"] = "127.0.0.1",
                    ["NetnsPolicy__GrpcPort"] = "0",
                    ["NetnsPolicy__WebPort"] = "-1",
                    ["NetnsPolicy__DatabasePath"] = databasePath,
                    ["NetnsPolicy__MaxConcurrentSimulations"] = "1",
                    ["NetnsPolicy__WatchPlugins"] = "false",
                    ["Logging__LogLevel__Default"] = "Warning",
                    ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
                    ["Logging__Console__FormatterName"] = "simple",
                },
            };
            var process = Process.Start(info)!;
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    listening.TrySetException(new InvalidOperationException("the service exited: " + output));
                    return;
                }

                lock (output)
                {
                    output.AppendLine(e.Data);
                }

                if (Listening().Match(e.Data) is { Success: true } m)
                {
                    listening.TrySetResult(new Uri(m.Groups[1].Value));
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                return new Standalone(process, await listening.Task.WaitAsync(TestService.CallTimeout));
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit(TestService.CallTimeout);
        }

        public void Dispose()
        {
            Channel.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TestService.CallTimeout);
            }

            _process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (http://\S+)")]
        private static partial Regex Listening();
    }
}
