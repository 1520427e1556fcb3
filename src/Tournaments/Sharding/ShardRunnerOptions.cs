namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>How a shard is executed.</summary>
public sealed record ShardRunnerOptions
{
    /// <summary>Runs in flight at once; defaults to every core.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The clock the file's time budget (the shard's deadline) is measured with (tests inject a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
