namespace NetnsPolicy.Cluster.Grains;

/// <summary>One simulation, keyed by <see cref="SimulationWork.ContentHash"/>; activated where the cluster has room.</summary>
public interface ISimulationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Executes <paramref name="work"/> on this activation's silo with the silo's own executor and plugin catalog (a
    /// silo whose catalog has other bytes for the policy refuses), under the silo's simulation slots.
    /// </summary>
    Task<SimulationReply> ExecuteAsync(SimulationWork work, CancellationToken cancellationToken);
}
