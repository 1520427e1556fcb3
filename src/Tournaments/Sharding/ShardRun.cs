using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>One finished simulation of a shard, placed in the tournament's plan.</summary>
/// <param name="PlanIndex">Index in <see cref="TournamentPlan.Of"/>.</param>
/// <param name="Track">Track name.</param>
/// <param name="Entry">Policy entry name.</param>
/// <param name="Replication">Replication index, 0-based.</param>
/// <param name="Result">The raw result, exactly as the unsharded tournament would score it.</param>
public sealed record ShardRun(int PlanIndex, string Track, string Entry, int Replication, RunResult Result);
