namespace NetnsPolicy.Tournaments.Execution;

/// <summary>Progress of a tournament, reported after every finished run.</summary>
/// <param name="Completed">Runs finished.</param>
/// <param name="Planned">Runs the tournament plans (tracks × entries × replications).</param>
/// <param name="Last">The run that just finished.</param>
public readonly record struct TournamentProgress(int Completed, int Planned, RunSpec Last);
