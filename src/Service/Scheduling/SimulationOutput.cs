namespace NetnsPolicy.Service.Scheduling;

/// <summary>The outcome of one executed simulation.</summary>
/// <param name="Status">The engine's status (<c>ok</c>, <c>oom</c>, <c>stalled</c>, <c>policy-fault</c>, <c>cancelled</c>).</param>
/// <param name="ResultJson">The engine's versioned result JSON.</param>
public sealed record SimulationOutput(string Status, string ResultJson);
