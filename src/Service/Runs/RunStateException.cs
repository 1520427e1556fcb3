using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Runs;

/// <summary>An operation the run's state does not allow (cancel of a finished run); answered with FAILED_PRECONDITION.</summary>
public sealed class RunStateException(string runId, RunState state, string reason) : Exception($"run_id: run '{runId}': {reason}")
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;

    /// <summary>Its state when refused.</summary>
    public RunState State { get; } = state;
}

/// <summary>A run submitted under another API key; answered with PERMISSION_DENIED.</summary>
public sealed class RunAccessDeniedException(string runId) : Exception($"run_id: run '{runId}' was submitted under another API key; only its owner or an admin may change it")
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;
}
