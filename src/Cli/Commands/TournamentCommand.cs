using System.CommandLine;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Cli.Tournaments;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Simulation;
using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// <c>tournament &lt;file&gt; [--out DIR] [--budget SECONDS] [--gate-lines] [--shard i/n]</c>: every policy entry on every
/// track, run by the service's TournamentService (embedded or remote), scored and gated; exits 1 when a gate fails.
/// Workloads in the file are those shipped with the service, shaped by each track's <c>workload_patch</c>.
/// </summary>
internal static class TournamentCommand
{
    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var file = new Argument<string>("file") { Description = "Tournament file (docs/tournaments.md), e.g. tournaments/main.json, or the name of a shipped tournament (" + string.Join(", ", ShippedTournaments.Names) + ")." };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder to write report.html, summary.md, junit.xml and tournament.json to." };
        var budget = new Option<int?>("--budget") { Description = "Wall-clock budget in seconds, overriding the file's; the most informative runs go first." };
        var gateLines = new Option<bool>("--gate-lines") { Description = "Also print one line per gate result, starting GATE-PASS or GATE-FAIL (for CI log counters)." };
        var quiet = new Option<bool>("--no-summary") { Description = "Print only the ranking, not the Markdown summary." };
        var shard = new Option<string?>("--shard") { Description = "Run only slice i/n of the simulations, in this process, and write DIR/shard-i-of-n.json.gz for `tournament merge` (CI matrices)." };
        budget.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--budget: must be a positive number of seconds");
            }
        });
        var cmd = new Command("tournament", "Run a policy tournament: ranking with stability, gates (exit code 1 when one fails), Markdown/HTML/JUnit/JSON outputs.")
        {
            file, outDir, budget, gateLines, quiet, shard,
        };
        cmd.Subcommands.Add(TournamentMergeCommand.Create());
        connection.AddTo(cmd);
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            var path = ShippedTournaments.Resolve(parse.GetValue(file)!);
            if (parse.GetValue(shard) is { } slice)
            {
                return await TournamentShardAction.RunAsync(console, path, slice, new ShardSwitches(parse.GetValue(outDir), parse.GetValue(budget) is not null, connection.Read(parse)), ct).ConfigureAwait(false);
            }

            var request = new StartTournamentRequest { TournamentJson = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) };
            if (parse.GetValue(budget) is { } seconds)
            {
                request.TimeBudget = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds));
            }

            await using var service = await ServiceConnection.OpenAsync(connection.Read(parse), ct).ConfigureAwait(false);
            var tournaments = new TournamentService.TournamentServiceClient(service.Channel);
            var clock = Stopwatch.StartNew();
            var started = await tournaments.StartTournamentAsync(request, deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: ct).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"tournament {started.Name} ({started.Id}): {started.SimulationsTotal} simulations on {(service.IsEmbedded ? "the embedded service" : "the service")} at {service.Address}").ConfigureAwait(false);
            var final = await ProgressView.RunAsync(console, "tournament " + started.Name, report => WatchAsync(tournaments, started.Id, report, ct)).ConfigureAwait(false);
            if (final.State is not (TournamentState.Passed or TournamentState.GateFailed))
            {
                throw new RunFailedException($"tournament {final.Id} ended {final.State}: {final.StatusDetail}");
            }

            var result = TournamentRenderer.FromJson(final.Json);
            await console.Error.WriteLineAsync($"tournament {result.Name}: {result.RunsCompleted}/{result.RunsPlanned} simulations in {clock.Elapsed.TotalSeconds:F1} s{(result.BudgetExhausted ? " (time budget exhausted)" : "")}").ConfigureAwait(false);
            var files = new TournamentFiles(final.Html, final.Markdown, final.JunitXml, final.Json);
            return await TournamentOutput.WriteAsync(console, result, files, new TournamentOutputOptions(parse.GetValue(outDir), !parse.GetValue(quiet), parse.GetValue(gateLines)), ct).ConfigureAwait(false);
        });
        return cmd;
    }

    /// <summary>Follows the tournament to its end; cancelling cancels it on the service.</summary>
    private static async Task<Tournament> WatchAsync(TournamentService.TournamentServiceClient tournaments, string id, Action<double, string> report, CancellationToken cancellationToken)
    {
        try
        {
            using var call = tournaments.WatchTournament(new WatchTournamentRequest { TournamentId = id }, cancellationToken: cancellationToken);
            await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                report(progress.FractionDone, $"{progress.SimulationsDone}/{progress.SimulationsTotal} simulations");
                if (progress.FinalTournament is { } final)
                {
                    return final;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await tournaments.CancelTournamentAsync(new CancelTournamentRequest { TournamentId = id }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        // The stream ended without the final message (the server went away): ask for the tournament as it is.
        return await tournaments.GetTournamentAsync(new GetTournamentRequest { TournamentId = id }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
