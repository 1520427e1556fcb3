namespace NetnsPolicy.Simulation;

/// <summary>Progress of a running simulation, reported every few thousand events.</summary>
/// <param name="Phase">What the workload is doing (creating, tearing down, draining…).</param>
/// <param name="SimulatedNs">Simulated time reached.</param>
/// <param name="FractionDone">Estimated fraction of the run done, 0–1.</param>
/// <param name="Events">Events processed so far.</param>
public readonly record struct SimulationProgress(string Phase, long SimulatedNs, double FractionDone, long Events);
