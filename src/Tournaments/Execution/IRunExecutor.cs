using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Tournaments.Execution;

/// <summary>
/// Runs the simulations of a tournament. The in-process executor calls the engine directly; the gRPC service
/// implements it over its job queue. The runner calls it concurrently (up to its parallelism), so implementations
/// must be thread-safe.
/// </summary>
public interface IRunExecutor
{
    /// <summary>
    /// Runs <paramref name="spec"/>. A run that ends badly (OOM, stall, policy fault) returns a result with that status;
    /// an exception marks the run as failed (its entry is disqualified on that track), except cancellation, which stops
    /// the tournament.
    /// </summary>
    Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken);
}
