namespace NetnsPolicy.Service.Scheduling;

/// <summary>A run handed to a scheduler: its simulations still to execute, who to tell, and when to stop.</summary>
/// <param name="RunId">The run's id (for logs).</param>
/// <param name="Simulations">Simulations to execute, by their index in the run.</param>
/// <param name="Observer">Receives progress and outcomes.</param>
/// <param name="Cancellation">Cancelled by CancelRun or the run's timeout; checked inside the simulation loop.</param>
public sealed record ScheduledRun(
    string RunId,
    IReadOnlyList<KeyValuePair<int, SimulationInput>> Simulations,
    IRunObserver Observer,
    CancellationToken Cancellation)
{
    /// <summary>Who asked for the run (the principal, else the connection's peer); the scheduler shares the workers fairly among clients.</summary>
    public string Client { get; init; } = "";
}
