namespace NetnsPolicy.Service.Runs;

/// <summary>A report was asked of a run that has not succeeded; answered with FAILED_PRECONDITION.</summary>
internal sealed class RunNotReadyException(string runId, RunState state)
    : Exception($"run_id: run '{runId}' is {state}; a report exists only for a succeeded run")
{
    /// <summary>The run's state.</summary>
    public RunState State { get; } = state;

    /// <summary>The run.</summary>
    public string RunId { get; } = runId;
}
