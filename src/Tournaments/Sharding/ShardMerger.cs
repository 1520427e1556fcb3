using System.Security.Cryptography;
using System.Text;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// Puts the shards of a tournament back together and scores them with <see cref="TournamentScorer"/>, the scorer of
/// an unsharded run, so the result (and every rendering of it) is the unsharded tournament's, byte for byte. Shards
/// that do not belong together are refused, naming the shard: another file or plan, engine or policy bytes, another
/// shard count, a shard given twice or missing, results that are not the shard's slice.
/// </summary>
public static class ShardMerger
{
    /// <param name="shards">Each shard with where it came from (a path), used in errors.</param>
    public static TournamentResult Merge(IReadOnlyList<(string Source, ShardResult Shard)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new InputValidationException("shards", "give every shard file of the tournament (written by `tournament FILE --shard i/n`)");
        }

        var (firstSource, first) = shards[0];
        foreach (var (source, shard) in shards)
        {
            CheckBelongs(source, shard, firstSource, first);
        }

        CheckComplete(shards, first.Count);
        var tournament = Parse(firstSource, first.TournamentText);
        var here = TournamentIdentity.Of(first.TournamentText, tournament, catalog: null);
        if (here.PlanSha256 != first.Tournament.PlanSha256)
        {
            throw new InputValidationException(firstSource, $"the shards ran another plan of {tournament.Name} than this build resolves from the same file (plan {Short(first.Tournament.PlanSha256)}, here {Short(here.PlanSha256)}): a shipped workload or kernel profile differs; merge with the build that ran the shards");
        }

        var plan = TournamentPlan.Of(tournament);
        var runs = new Dictionary<(string Track, string Entry), List<RunResult>>();
        foreach (var (source, shard) in shards)
        {
            CheckSlice(source, shard, tournament, plan);
            foreach (var run in shard.Runs)
            {
                var key = (run.Track, run.Entry);
                if (!runs.TryGetValue(key, out var list))
                {
                    runs[key] = list = [];
                }

                list.Add(run.Result);
            }
        }

        return TournamentScorer.Score(tournament, runs.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<RunResult>)kv.Value), budgetExhausted: false);
    }

    private static void CheckBelongs(string source, ShardResult shard, string firstSource, ShardResult first)
    {
        var id = shard.Tournament;
        var expected = first.Tournament;
        var textHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(shard.TournamentText)));
        if (textHash != id.FileSha256)
        {
            throw new InputValidationException(source, $"the tournament text in the shard does not match its recorded sha256 ({Short(id.FileSha256)}): the file was edited after it was written");
        }

        string? mismatch =
            id.FileSha256 != expected.FileSha256 ? $"was run from another tournament file (sha256 {Short(id.FileSha256)}, '{id.Name}') than {firstSource} (sha256 {Short(expected.FileSha256)}, '{expected.Name}')"
            : shard.Count != first.Count ? $"is shard {shard.Index}/{shard.Count}, but {firstSource} is shard {first.Index}/{first.Count}: every shard must split the tournament the same way"
            : id.EngineVersion != expected.EngineVersion ? $"was run by engine {id.EngineVersion}, {firstSource} by engine {expected.EngineVersion}"
            : id.PlanSha256 != expected.PlanSha256 ? $"ran another plan (plan {Short(id.PlanSha256)}) than {firstSource} (plan {Short(expected.PlanSha256)}): a shipped workload or kernel profile differs between their builds"
            : PolicyMismatch(id, expected, firstSource);
        if (mismatch is not null)
        {
            throw new InputValidationException(source, mismatch);
        }
    }

    private static string? PolicyMismatch(TournamentIdentity id, TournamentIdentity expected, string firstSource)
    {
        foreach (var (entry, hash) in expected.PolicyAssemblies)
        {
            var other = id.PolicyAssemblies.GetValueOrDefault(entry);
            if (other != hash)
            {
                return $"ran {entry} with other policy assemblies (hash {Short(other ?? "none")}) than {firstSource} (hash {Short(hash)})";
            }
        }

        return id.PolicyAssemblies.Keys.Except(expected.PolicyAssemblies.Keys).FirstOrDefault() is { } extra
            ? $"records policy assemblies for {extra}, {firstSource} does not"
            : null;
    }

    private static void CheckComplete(IReadOnlyList<(string Source, ShardResult Shard)> shards, int count)
    {
        var seen = new Dictionary<int, string>();
        foreach (var (source, shard) in shards)
        {
            if (!seen.TryAdd(shard.Index, source))
            {
                throw new InputValidationException(source, $"is shard {shard.Index}/{count} again (also {seen[shard.Index]}): give each shard once");
            }
        }

        var missing = Enumerable.Range(1, count).Where(i => !seen.ContainsKey(i)).Select(i => $"{i}/{count}").ToArray();
        if (missing.Length > 0)
        {
            throw new InputValidationException("shards", $"{missing.Length} of {count} shards missing: {string.Join(", ", missing.Take(20))}{(missing.Length > 20 ? ", …" : "")}");
        }
    }

    private static void CheckSlice(string source, ShardResult shard, Tournament tournament, IReadOnlyList<Execution.RunSpec> plan)
    {
        var slice = TournamentPlan.Slice(tournament, new ShardSpec(shard.Index, shard.Count));
        if (shard.Runs.Count != slice.Count)
        {
            throw new InputValidationException(source, $"holds {shard.Runs.Count} results, but shard {shard.Index}/{shard.Count} of {tournament.Name} has {slice.Count} simulations");
        }

        for (var i = 0; i < slice.Count; i++)
        {
            var run = shard.Runs[i];
            var spec = plan[slice[i].PlanIndex];
            if (run.PlanIndex != slice[i].PlanIndex || run.Track != spec.Track || run.Entry != spec.Entry || run.Replication != spec.Replication || run.Result is null)
            {
                throw new InputValidationException($"{source}: runs[{i}]", $"is not simulation {slice[i].PlanIndex} of the plan ({spec.Entry} on {spec.Track}, replication {spec.Replication})");
            }
        }
    }

    private static Tournament Parse(string source, string text)
    {
        try
        {
            // As the service parses a tournament it is sent: shipped workloads only, no file-relative paths.
            return TournamentLoader.Parse(text, baseDirectory: null, catalog: null);
        }
        catch (InputValidationException e)
        {
            throw new InputValidationException(e.Errors.Select(f => new FieldError($"{source}: tournament_text.{f.Field}", f.Message)).ToList());
        }
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
