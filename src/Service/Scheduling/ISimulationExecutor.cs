using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>Executes one simulation synchronously on the calling thread.</summary>
public interface ISimulationExecutor
{
    /// <summary>
    /// Runs <paramref name="input"/> to its end, reporting progress. Honours <paramref name="cancellationToken"/> inside
    /// the simulation loop: a cancelled simulation returns status <c>cancelled</c> or throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken);
}
