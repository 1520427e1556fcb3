using V1 = NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// The cluster's face of the runs and tournaments another process holds (docs/cluster.md, "Any silo"): in a cluster,
/// each run and tournament has a grain on the silo that holds it (its advisory lock in the shared store), and the API of
/// every other silo asks that grain — for the live state with results and artifacts, for progress as it happens (a
/// long poll on the holder's in-memory state, no store read per update) and to cancel. Registered by the cluster only;
/// a single node has none and answers from its coordinators and store.
/// </summary>
internal interface IClusterFront
{
    /// <summary>This process took hold of a run or tournament (accepted it): its grain is activated here.</summary>
    void Held(string id, bool tournament);

    Task<V1.Tournament> GetTournamentAsync(string id, CancellationToken cancellationToken);

    Task<V1.Tournament> CancelTournamentAsync(string id, string? caller, bool admin, CancellationToken cancellationToken);

    /// <summary>Progress as the holder sees it, until the final message (which carries the tournament with its artifacts).</summary>
    IAsyncEnumerable<V1.TournamentProgress> WatchTournamentAsync(string id, CancellationToken cancellationToken);

    Task<V1.Run> GetRunAsync(string id, bool includeSimulations, bool includeResults, CancellationToken cancellationToken);

    Task<V1.Run> CancelRunAsync(string id, string? caller, bool admin, CancellationToken cancellationToken);

    /// <summary>Progress as the holder sees it, at most one message per <paramref name="minInterval"/>, until the final one.</summary>
    IAsyncEnumerable<V1.RunProgress> WatchRunAsync(string id, TimeSpan minInterval, CancellationToken cancellationToken);
}
