namespace NetnsPolicy.Service.Runs;

/// <summary>No run has the given id; answered with NOT_FOUND.</summary>
public sealed class RunNotFoundException(string runId) : Exception($"run_id: no run '{runId}'")
{
    /// <summary>The id asked for.</summary>
    public string RunId { get; } = runId;
}
