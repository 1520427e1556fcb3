using Orleans.Concurrency;

namespace NetnsPolicy.Cluster.Grains;

/// <summary>
/// Receives a remote simulation's progress on the silo that dispatched it (an object reference of that silo), so a
/// run's watchers see progress wherever its simulations execute. One-way: progress is never waited for.
/// </summary>
public interface ISimulationProgressObserver : IGrainObserver
{
    [OneWay]
    Task ReportAsync(ProgressUpdate progress);
}

/// <summary>A <see cref="NetnsPolicy.Simulation.SimulationProgress"/> as Orleans carries it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProgressUpdate(
    [property: Id(0)] string Phase,
    [property: Id(1)] long SimulatedNs,
    [property: Id(2)] double FractionDone,
    [property: Id(3)] long Events);
