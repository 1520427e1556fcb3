using Orleans.Concurrency;

namespace NetnsPolicy.Cluster.Grains;

/// <summary>
/// Receives remote simulations' progress on the silo that dispatched them (one object reference per scheduler, each
/// simulation named by its dispatch number), so a run's watchers see progress wherever its simulations execute.
/// One-way: progress is never waited for.
/// </summary>
public interface ISimulationProgressObserver : IGrainObserver
{
    [OneWay]
    Task ReportAsync(long dispatch, ProgressUpdate progress);
}

/// <summary>A <see cref="NetnsPolicy.Simulation.SimulationProgress"/> as Orleans carries it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProgressUpdate(
    [property: Id(0)] string Phase,
    [property: Id(1)] long SimulatedNs,
    [property: Id(2)] double FractionDone,
    [property: Id(3)] long Events);
