using System.IO.Compression;
using System.Text.Json;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// Reads and writes shard files: JSON with the serializer options of <see cref="RunResultJson"/>, so every result
/// makes the same text round trip as a result the service returns (doubles round-trip exactly), gzip-compressed on
/// disk (results carry their time series: about 8× smaller, which matters for CI artifacts). Plain JSON reads too.
/// </summary>
public static class ShardFile
{
    public const string Kind = "netns-policy-tournament-shard";

    private static readonly JsonSerializerOptions Options = new(RunResultJson.Options);

    /// <summary>The file name a shard gets in its output folder: <c>shard-2-of-7.json.gz</c>.</summary>
    public static string FileName(ShardSpec shard) => $"shard-{shard.Index}-of-{shard.Count}.json.gz";

    public static string Serialize(ShardResult shard) => JsonSerializer.Serialize(shard, Options);

    /// <summary>Writes <paramref name="shard"/> gzip-compressed to <paramref name="destination"/>.</summary>
    public static async Task WriteAsync(ShardResult shard, Stream destination, CancellationToken cancellationToken)
    {
        var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(gzip, shard, Options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a shard written by <see cref="WriteAsync"/> (or plain JSON); errors name <paramref name="source"/>.</summary>
    public static async Task<ShardResult> ReadAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = new BufferedStream(stream);
        await using (buffered.ConfigureAwait(false))
        {
            var magic = new byte[2];
            var read = await buffered.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (buffered.CanSeek)
            {
                buffered.Seek(0, SeekOrigin.Begin);
            }

            var gzipped = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            var text = gzipped ? await ReadGzipAsync(buffered, source, cancellationToken).ConfigureAwait(false) : await new StreamReader(buffered).ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            return Deserialize(text, source);
        }
    }

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

    private static async Task<string> ReadGzipAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        try
        {
            var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                using var reader = new StreamReader(gzip);
                return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InputValidationException(source, "not a tournament shard file (damaged gzip data: " + e.Message + ")");
        }
    }
}
