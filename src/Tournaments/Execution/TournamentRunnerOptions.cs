namespace NetnsPolicy.Tournaments.Execution;

/// <summary>How a tournament is executed.</summary>
public sealed record TournamentRunnerOptions
{
    /// <summary>Runs in flight at once; defaults to every core.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Overrides the file's time budget (null keeps the file's).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>The clock the budget is measured with (tests inject a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
