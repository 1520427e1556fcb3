using System.Diagnostics;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Simulation;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;
using NetnsPolicy.Tournaments.Sharding;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>
/// <c>tournament FILE --shard i/n --out DIR</c>: runs slice i of n of the tournament's simulations in this process,
/// with the plugin catalog the embedded service uses, and writes <c>DIR/shard-i-of-n.json.gz</c> (docs/tournaments.md).
/// </summary>
internal static class TournamentShardAction
{
    public static async Task<int> RunAsync(CliConsole console, string path, string shardText, ShardSwitches switches, CancellationToken cancellationToken)
    {
        var shard = ShardSpec.Parse(shardText);
        if (switches.BudgetGiven)
        {
            throw new InputValidationException("--budget", "cannot be combined with --shard: where a budget cuts a tournament depends on the machine's speed, so shards cut by one would not add up to the unsharded run (the file's time_budget_seconds bounds each shard instead: a shard finishes its whole slice within it or fails)");
        }

        if (switches.Connection.Server is not null || switches.Connection.DataDirectory is not null)
        {
            throw new InputValidationException(switches.Connection.Server is not null ? "--server" : "--data", "cannot be combined with --shard: a shard runs its slice in this process and writes it to a file for `tournament merge`");
        }

        if (switches.OutputDirectory is not { } output)
        {
            throw new InputValidationException("--out", "required with --shard: the folder the shard file is written to");
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);

        // The embedded service's plugins under its trust rules, without its sandbox: untrusted plugins are refused here.
        using var catalog = InProcessCatalog.Open(switches.Connection.PluginsDirectory);

        // As the service parses the text the unsharded command sends it, so both run the same tournament.
        var tournament = TournamentLoader.Parse(text, baseDirectory: null, catalog);
        var slice = TournamentPlan.Slice(tournament, shard).Count;
        await console.Error.WriteLineAsync($"tournament {tournament.Name}, shard {shard}: {slice} of {tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications} simulations in this process").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        ShardResult result;
        try
        {
            var runner = new ShardRunner(new InProcessRunExecutor(catalog));
            result = await ProgressView.RunAsync(console, $"shard {shard} of {tournament.Name}", report =>
                runner.RunAsync(text, tournament, shard, catalog, new SyncProgress(p => report((double)p.Done / p.Total, $"{p.Done}/{p.Total} simulations")), cancellationToken)).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new RunFailedException(e.Message);
        }

        Directory.CreateDirectory(output);
        var file = Path.Combine(output, ShardFile.FileName(shard));
        var stream = File.Create(file);
        await using (stream.ConfigureAwait(false))
        {
            await ShardFile.WriteAsync(result, stream, cancellationToken).ConfigureAwait(false);
        }

        await console.Error.WriteLineAsync($"shard {shard} of {tournament.Name}: {result.Runs.Count} simulations in {clock.Elapsed.TotalSeconds:F1} s").ConfigureAwait(false);
        await console.Error.WriteLineAsync("wrote " + file).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post, and could report after the end).</summary>
    private sealed class SyncProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
