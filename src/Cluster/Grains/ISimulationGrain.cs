namespace NetnsPolicy.Cluster.Grains;

/// <summary>One simulation, keyed by <see cref="SimulationWork.ContentHash"/>; activated where the cluster has room.</summary>
public interface ISimulationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Executes <paramref name="work"/> on this activation's silo with the silo's own executor and plugin catalog (a
    /// silo whose catalog has other bytes for the policy refuses), under the silo's simulation slots. Progress goes to
    /// <paramref name="progress"/> under <paramref name="dispatch"/> when given, at most a few times a second (display
    /// only: results do not depend on it).
    /// </summary>
    Task<SimulationReply> ExecuteAsync(SimulationWork work, ISimulationProgressObserver? progress, long dispatch, CancellationToken cancellationToken);
}
