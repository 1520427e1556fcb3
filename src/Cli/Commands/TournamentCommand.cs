using System.CommandLine;
using System.Diagnostics;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Cli.Tournaments;
using NetnsPolicy.Simulation;
using NetnsPolicy.Tournaments;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// <c>tournament &lt;file&gt; [--out DIR] [--budget SECONDS] [--parallelism N] [--gate-lines]</c>: every policy entry on every
/// track, run on the service, scored and gated; exits 1 when a gate fails.
/// </summary>
internal static class TournamentCommand
{
    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var file = new Argument<string>("file") { Description = "Tournament file (docs/tournaments.md), e.g. tournaments/main.json." };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder to write report.html, summary.md, junit.xml and tournament.json to." };
        var budget = new Option<int?>("--budget") { Description = "Wall-clock budget in seconds, overriding the file's; the most informative runs go first." };
        var parallelism = new Option<int>("--parallelism")
        {
            Description = "Runs submitted at once (the service still executes one simulation per core).",
            DefaultValueFactory = _ => Math.Max(4, 2 * Environment.ProcessorCount),
        };
        var gateLines = new Option<bool>("--gate-lines") { Description = "Also print one line per gate result, starting GATE-PASS or GATE-FAIL (for CI log counters)." };
        var quiet = new Option<bool>("--no-summary") { Description = "Print only the ranking, not the Markdown summary." };
        budget.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--budget: must be a positive number of seconds");
            }
        });
        parallelism.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
            {
                r.AddError("--parallelism: must be between 1 and 1024");
            }
        });
        var cmd = new Command("tournament", "Run a policy tournament: ranking with stability, gates (exit code 1 when one fails), Markdown/HTML/JUnit/JSON outputs.")
        {
            file, outDir, budget, parallelism, gateLines, quiet,
        };
        connection.AddTo(cmd);
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new InputValidationException("file", $"tournament file '{path}' does not exist");
            }

            var tournament = TournamentLoader.Load(path);
            await using var service = await ServiceConnection.OpenAsync(connection.Read(parse), ct).ConfigureAwait(false);
            RequireKnownPolicies(tournament, service.Policies.Policies.Select(p => p.Id).ToHashSet(StringComparer.Ordinal));

            var options = new TournamentRunnerOptions
            {
                MaxParallelism = parse.GetValue(parallelism),
                TimeBudget = parse.GetValue(budget) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            var planned = tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications;
            await console.Error.WriteLineAsync($"tournament {tournament.Name}: {tournament.Entries.Count} entries × {tournament.Tracks.Count} tracks × {tournament.Replications} replications = {planned} runs on {(service.IsEmbedded ? "the embedded service" : "the service")} at {service.Address}").ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var runner = new TournamentRunner(new ServiceRunExecutor(service.Runs, tournament.Name), options);
            var result = await ProgressView.RunAsync(console, "tournament " + tournament.Name, report =>
                runner.RunAsync(tournament, new SynchronousProgress(p => report((double)p.Completed / p.Planned, $"{p.Completed}/{p.Planned} runs, last {p.Last.Entry} on {p.Last.Track}")), ct)).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"tournament {tournament.Name}: {result.RunsCompleted}/{result.RunsPlanned} runs in {clock.Elapsed.TotalSeconds:F1} s{(result.BudgetExhausted ? " (time budget exhausted)" : "")}").ConfigureAwait(false);

            await RankingView.WriteAsync(console, result).ConfigureAwait(false);
            if (!parse.GetValue(quiet))
            {
                await console.Out.WriteLineAsync().ConfigureAwait(false);
                await console.Out.WriteLineAsync(TournamentRenderer.ToMarkdown(result)).ConfigureAwait(false);
            }

            if (parse.GetValue(gateLines))
            {
                foreach (var line in GateLines.Format(result))
                {
                    await console.Out.WriteLineAsync(line).ConfigureAwait(false);
                }
            }

            if (parse.GetValue(outDir) is { } output)
            {
                foreach (var written in await TournamentArtifacts.WriteAsync(result, output, ct).ConfigureAwait(false))
                {
                    await console.Error.WriteLineAsync("wrote " + written).ConfigureAwait(false);
                }
            }

            var failed = result.Gates.Count(g => g.Status == GateStatus.Fail);
            await console.Error.WriteLineAsync(failed == 0 ? $"gates: all {result.Gates.Count} passed or skipped" : $"gates: {failed} of {result.Gates.Count} FAILED").ConfigureAwait(false);
            return result.AnyGateFailed ? ExitCodes.GateFailed : ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Every policy id in every entry's spec (stacks: <c>a+!b</c>) must be one the service offers.</summary>
    private static void RequireKnownPolicies(Tournament tournament, HashSet<string> known)
    {
        var errors = new List<FieldError>();
        foreach (var entry in tournament.Entries)
        {
            foreach (var id in entry.PolicySpec.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.TrimStart('!')))
            {
                if (!known.Contains(id))
                {
                    errors.Add(new FieldError($"policies[{entry.Name}].policy", $"unknown policy '{id}' (the service offers: {string.Join(", ", known.Order(StringComparer.Ordinal))})"));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }
    }

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the thread pool and could report after the run ends.</summary>
    private sealed class SynchronousProgress(Action<NetnsPolicy.Tournaments.Execution.TournamentProgress> report) : IProgress<NetnsPolicy.Tournaments.Execution.TournamentProgress>
    {
        public void Report(NetnsPolicy.Tournaments.Execution.TournamentProgress value) => report(value);
    }
}
