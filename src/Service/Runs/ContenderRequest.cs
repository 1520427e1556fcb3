namespace NetnsPolicy.Service.Runs;

/// <summary>One contender as requested.</summary>
/// <param name="Label">Its name in the report (empty: the policy spec).</param>
/// <param name="Policy">Policy id or stack (<c>uevent-skip+batching</c>).</param>
/// <param name="Parameters">Parameter values as text, in request order.</param>
internal sealed record ContenderRequest(string Label, string Policy, IReadOnlyDictionary<string, string> Parameters);
