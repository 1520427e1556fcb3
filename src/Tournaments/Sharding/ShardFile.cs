using System.Text.Json;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// Reads and writes shard files: JSON with the serializer options of <see cref="RunResultJson"/>, so every result
/// makes the same text round trip as a result the service returns (doubles round-trip exactly).
/// </summary>
public static class ShardFile
{
    public const string Kind = "netns-policy-tournament-shard";

    private static readonly JsonSerializerOptions Options = new(RunResultJson.Options);

    /// <summary>The file name a shard gets in its output folder: <c>shard-2-of-7.json</c>.</summary>
    public static string FileName(ShardSpec shard) => $"shard-{shard.Index}-of-{shard.Count}.json";

    public static string Serialize(ShardResult shard) => JsonSerializer.Serialize(shard, Options);

    /// <summary>Parses a shard; anything else is an <see cref="InputValidationException"/> naming <paramref name="source"/>.</summary>
    public static ShardResult Deserialize(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ShardResult? shard;
        try
        {
            shard = JsonSerializer.Deserialize<ShardResult>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InputValidationException(source, "not a tournament shard file (invalid JSON: " + e.Message + ")");
        }

        if (shard is null || shard.Kind != Kind)
        {
            throw new InputValidationException(source, $"not a tournament shard file (no \"kind\": \"{Kind}\"); shards are written by `tournament FILE --shard i/n`");
        }

        if (shard.FormatVersion != ShardResult.CurrentFormatVersion)
        {
            throw new InputValidationException(source, $"shard format version {shard.FormatVersion} is not supported (this build reads {ShardResult.CurrentFormatVersion})");
        }

        if (shard.Count is < 1 or > ShardSpec.MaxCount || shard.Index < 1 || shard.Index > shard.Count)
        {
            throw new InputValidationException(source, $"shard {shard.Index}/{shard.Count} is not a valid shard number");
        }

        // Explicit nulls override the records' defaults: refuse them here rather than fail later in the merge.
        if (shard.Tournament is null || shard.TournamentText is null || shard.Runs is null || shard.Tournament.PolicyAssemblies is null)
        {
            throw new InputValidationException(source, "incomplete shard file: tournament, tournament_text and runs must be set");
        }

        for (var i = 0; i < shard.Runs.Count; i++)
        {
            if (shard.Runs[i] is not { Result: not null, Track: not null, Entry: not null })
            {
                throw new InputValidationException($"{source}: runs[{i}]", "incomplete run: plan_index, track, entry, replication and result must be set");
            }
        }

        return shard;
    }
}
