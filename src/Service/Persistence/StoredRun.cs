using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Persistence;

/// <summary>A run as stored: what the service shows of it, and what only the store keeps (the request, the owner).</summary>
/// <param name="Run">The run as shown.</param>
/// <param name="Request">The request as normalized, to plan it again on resume.</param>
/// <param name="Owner">Who submitted it (<c>key:PRINCIPAL</c>, <c>peer:ADDRESS</c>, or empty).</param>
internal sealed record StoredRun(RunSnapshot Run, RunRequest Request, string Owner);
