namespace NetnsPolicy.Service.Tournaments;

/// <summary>One gate checked on one contender and track.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Contender">The entry.</param>
/// <param name="Track">The track.</param>
/// <param name="Passed">True when its status is a pass.</param>
/// <param name="Status">The tournament library's status name.</param>
/// <param name="Detail">What was measured against what.</param>
internal sealed record TournamentGateOutcome(string Gate, string Contender, string Track, bool Passed, string Status, string Detail);
