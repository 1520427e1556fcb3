namespace NetnsPolicy.Service.Tournaments;

/// <summary>One contender's place in a finished tournament.</summary>
/// <param name="Rank">1 for the best; 0 when unranked.</param>
/// <param name="Contender">The entry's name.</param>
/// <param name="Score">Its score (0 when none).</param>
/// <param name="Stability">Its share of wins across resamples.</param>
/// <param name="HeldOutScore">Its score on the held-out tracks (0 when none).</param>
/// <param name="Disqualified">Disqualified by a gate or a failure.</param>
/// <param name="Note">Why, when it is disqualified or unranked.</param>
internal sealed record TournamentStanding(int Rank, string Contender, double Score, double Stability, double HeldOutScore, bool Disqualified, string Note);
