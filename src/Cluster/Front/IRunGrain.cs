namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// A run's face to the whole cluster while it is queued or running, keyed by its id, active on the silo that holds it
/// (docs/cluster.md, "Any silo"); a finished run is answered from the shared store by any silo.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>True when this activation's silo holds the run (taking it over if no live silo did) or it has finished.</summary>
    Task<bool> EnsureHeldAsync();

    Task<FaceReply> GetAsync(bool includeSimulations, bool includeResults);

    /// <summary>A long poll as <see cref="ITournamentGrain.WaitForUpdateAsync"/>; the final message carries the run.</summary>
    Task<FaceReply> WaitForUpdateAsync(Guid incarnation, long sinceVersion);

    Task<FaceReply> CancelAsync(string? caller, bool admin);
}
