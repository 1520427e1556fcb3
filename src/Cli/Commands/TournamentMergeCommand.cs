using System.CommandLine;
using NetnsPolicy.Cli.Tournaments;
using NetnsPolicy.Simulation;
using NetnsPolicy.Tournaments.Sharding;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// <c>tournament merge SHARD… [--out DIR] [--gate-lines] [--no-summary]</c>: scores the shards written by
/// <c>tournament FILE --shard i/n</c> together and writes what the unsharded <c>tournament FILE</c> writes, byte for
/// byte, with the same exit code; shards that do not belong together are refused, naming the shard.
/// </summary>
internal static class TournamentMergeCommand
{
    public static Command Create()
    {
        var shards = new Argument<string[]>("shards") { Description = "Every shard file of the tournament (shard-i-of-n.json.gz), in any order.", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder to write report.html, summary.md, junit.xml and tournament.json to." };
        var gateLines = new Option<bool>("--gate-lines") { Description = "Also print one line per gate result, starting GATE-PASS or GATE-FAIL (for CI log counters)." };
        var quiet = new Option<bool>("--no-summary") { Description = "Print only the ranking, not the Markdown summary." };
        var cmd = new Command("merge", "Merge the shards of a tournament run with --shard i/n: the same ranking, gates (exit code 1 when one fails) and files as an unsharded run.")
        {
            shards, outDir, gateLines, quiet,
        };
        CliAction.Set(cmd, async (parse, console, ct) =>
        {
            var loaded = new List<(string Source, ShardResult Shard)>();
            foreach (var path in parse.GetValue(shards)!)
            {
                if (!File.Exists(path))
                {
                    throw new InputValidationException(path, "shard file does not exist");
                }

                var stream = File.OpenRead(path);
                await using (stream.ConfigureAwait(false))
                {
                    loaded.Add((path, await ShardFile.ReadAsync(stream, path, ct).ConfigureAwait(false)));
                }
            }

            var result = ShardMerger.Merge(loaded);
            await console.Error.WriteLineAsync($"tournament {result.Name}: {result.RunsCompleted}/{result.RunsPlanned} simulations from {loaded.Count} shards").ConfigureAwait(false);
            return await TournamentOutput.WriteAsync(console, result, TournamentFiles.Render(result), new TournamentOutputOptions(parse.GetValue(outDir), !parse.GetValue(quiet), parse.GetValue(gateLines)), ct).ConfigureAwait(false);
        });
        return cmd;
    }
}
