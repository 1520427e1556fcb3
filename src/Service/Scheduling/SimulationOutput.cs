using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>The outcome of one executed simulation.</summary>
/// <param name="Status">The engine's status (<c>ok</c>, <c>oom</c>, <c>stalled</c>, <c>policy-fault</c>, <c>cancelled</c>).</param>
/// <param name="ResultJson">The engine's versioned result JSON.</param>
/// <param name="Result">
/// The result <paramref name="ResultJson"/> was written from, when the simulation ran in this process: a consumer in
/// the same process (a tournament) uses it instead of parsing the JSON back. Null when the output crossed a process
/// (a silo's reply); it never crosses one itself.
/// </param>
public sealed record SimulationOutput(string Status, string ResultJson, RunResult? Result = null);
