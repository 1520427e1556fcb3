namespace NetnsPolicy.Service.Tournaments;

/// <summary>One progress message of a watched tournament; mapped to the API's <c>TournamentProgress</c> in <c>Api/</c>.</summary>
/// <param name="TournamentId">The tournament.</param>
/// <param name="State">Its state now.</param>
/// <param name="SimulationsDone">Simulations finished.</param>
/// <param name="SimulationsTotal">Simulations planned.</param>
/// <param name="FractionDone">0 to 1.</param>
/// <param name="Eta">Estimated wall time left, when it can be estimated.</param>
/// <param name="FinalTournament">The finished tournament with its results, on the last message only.</param>
internal sealed record TournamentProgressUpdate(
    string TournamentId,
    TournamentState State,
    int SimulationsDone,
    int SimulationsTotal,
    double FractionDone,
    TimeSpan? Eta,
    TournamentSnapshot? FinalTournament);
