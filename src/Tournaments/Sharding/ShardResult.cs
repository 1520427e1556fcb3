namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// What <c>tournament FILE --shard i/n</c> writes (<see cref="ShardFile"/>): the tournament file's text, its
/// identity, and the raw results of the shard's slice. <c>tournament merge</c> scores the union of all shards.
/// </summary>
public sealed record ShardResult
{
    public const int CurrentFormatVersion = 1;

    /// <summary><see cref="ShardFile.Kind"/>: marks the file as a shard, so a tournament report or a run result given by mistake is refused by name.</summary>
    public string Kind { get; init; } = "";

    /// <summary><see cref="CurrentFormatVersion"/> when written by this build.</summary>
    public int FormatVersion { get; init; }

    /// <summary>1-based shard number.</summary>
    public int Index { get; init; }
    public int Count { get; init; }
    public TournamentIdentity Tournament { get; init; } = new();

    /// <summary>The tournament file's text, so the merge scores exactly the tournament the shards ran.</summary>
    public string TournamentText { get; init; } = "";

    /// <summary>The slice's runs, in plan order.</summary>
    public IReadOnlyList<ShardRun> Runs { get; init; } = [];
}
