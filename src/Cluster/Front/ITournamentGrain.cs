namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// A tournament's face to the whole cluster, keyed by its id, active on the silo that holds it (docs/cluster.md, "Any
/// silo"). Activated there when the silo accepts it (preferring the calling silo); when that silo dies the next call
/// activates it on a live silo, which takes the tournament over from the store.
/// </summary>
public interface ITournamentGrain : IGrainWithStringKey
{
    /// <summary>True when this activation's silo holds the tournament (taking it over if no live silo did).</summary>
    Task<bool> EnsureHeldAsync();

    /// <summary>The tournament now; once finished with its ranking, gates and artifacts.</summary>
    Task<FaceReply> GetAsync();

    /// <summary>
    /// A long poll: the progress once it has changed since <paramref name="sinceVersion"/> of <paramref name="incarnation"/>
    /// (at once for another incarnation, or when finished), else after a bounded wait; the final one carries the tournament.
    /// </summary>
    Task<FaceReply> WaitForUpdateAsync(Guid incarnation, long sinceVersion);

    /// <summary>Cancels the tournament for <paramref name="caller"/> (<paramref name="admin"/> when it holds the admin role).</summary>
    Task<FaceReply> CancelAsync(string? caller, bool admin);
}
