using System.Globalization;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// Which slice of a tournament one CI job runs: shard <see cref="Index"/> of <see cref="Count"/> (1-based, as CI
/// matrices count). The slice is defined by the tournament file alone (<see cref="TournamentPlan"/>), never by timing.
/// </summary>
public readonly record struct ShardSpec
{
    /// <summary>More shards than this is a typing error, not a CI matrix.</summary>
    public const int MaxCount = 10_000;

    public ShardSpec(int index, int count)
    {
        if (count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be 1–{MaxCount}");
        }

        if (index < 1 || index > count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"must be 1–{count}");
        }

        Index = index;
        Count = count;
    }

    /// <summary>1-based shard number.</summary>
    public int Index { get; }

    /// <summary>How many shards the tournament is split into.</summary>
    public int Count { get; }

    /// <summary>Parses <c>i/n</c>; a bad value is an <see cref="InputValidationException"/> naming <paramref name="field"/>.</summary>
    public static ShardSpec Parse(string text, string field = "--shard")
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw new InputValidationException(field, $"'{text}' is not of the form i/n (e.g. 2/7: the second of seven shards)");
        }

        if (count is < 1 or > MaxCount)
        {
            throw new InputValidationException(field, $"'{text}': the shard count must be 1–{MaxCount}");
        }

        if (index < 1 || index > count)
        {
            throw new InputValidationException(field, $"'{text}': the shard index must be 1–{count} (shards are numbered from 1)");
        }

        return new ShardSpec(index, count);
    }

    /// <summary>Whether the run at <paramref name="planIndex"/> of <see cref="TournamentPlan.Of"/> belongs to this shard.</summary>
    /// <remarks>
    /// Round-robin over the plan, not contiguous blocks: the plan is ordered track by track, and tracks differ in cost
    /// by orders of magnitude, so blocks would give one shard all of the expensive track.
    /// </remarks>
    public bool Contains(int planIndex) => planIndex % Count == Index - 1;

    public override string ToString() => Index.ToString(CultureInfo.InvariantCulture) + "/" + Count.ToString(CultureInfo.InvariantCulture);
}
