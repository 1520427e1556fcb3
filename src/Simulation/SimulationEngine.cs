using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation;

/// <summary>Runs one simulation. Thread-safe: runs share nothing, so any number may execute in parallel.</summary>
public static class SimulationEngine
{
    /// <summary>Version of the engine and kernel model; part of every result's identity.</summary>
    public const string Version = "1.0.0";

    /// <summary>
    /// Runs <paramref name="request"/> to its stop condition. Invalid input throws <see cref="InputValidationException"/>;
    /// a faulting policy, OOM or a stall end the run with the corresponding status instead of throwing.
    /// </summary>
    public static RunResult Run(SimulationRequest request, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Kernel.KernelSimulation(request, cancellationToken, progress).Run();
    }

    /// <summary>
    /// Runs <paramref name="request"/> within <paramref name="budget"/>: a run that exceeds it ends with status
    /// <see cref="RunStatus.BudgetExceeded"/> naming what ran away; a run within it gives the same result as without.
    /// </summary>
    public static RunResult Run(SimulationRequest request, Engine.SimulationBudget budget, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(budget);
        return new Kernel.KernelSimulation(request, cancellationToken, progress, budget).Run();
    }
}
