namespace NetnsPolicy.Service.Tournaments;

/// <summary>No tournament has the given id (tournaments live in memory: a restart forgets them); NOT_FOUND.</summary>
public sealed class TournamentNotFoundException(string tournamentId)
    : Exception($"tournament_id: no tournament '{tournamentId}' (tournaments are kept in memory until the service restarts)")
{
    /// <summary>The id asked for.</summary>
    public string TournamentId { get; } = tournamentId;
}
