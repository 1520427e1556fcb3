namespace NetnsPolicy.Service.Runs;

/// <summary>An operation the run's state does not allow (cancel of a finished run); answered with FAILED_PRECONDITION.</summary>
internal sealed class RunStateException(string runId, RunState state, string reason, string subject = "run_id") : Exception($"{subject}: '{runId}': {reason}")
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;

    /// <summary>Its state when refused.</summary>
    public RunState State { get; } = state;

    /// <summary>The request field naming it (<c>run_id</c>, <c>tournament_id</c>).</summary>
    public string Subject { get; } = subject;
}

/// <summary>A run submitted under another API key; answered with PERMISSION_DENIED.</summary>
internal sealed class RunAccessDeniedException(string runId, string subject = "run_id") : Exception($"{subject}: '{runId}' was submitted under another API key; only its owner or an admin may change it")
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;
}
