namespace NetnsPolicy.Tournaments.Definition;

/// <summary>One contestant: a policy spec with one parameter assignment (a sweep expands to several entries).</summary>
/// <param name="Name">Unique display name, e.g. <c>batching[batch_size=32]</c>.</param>
/// <param name="PolicySpec">Policy id or stack spec given to the catalog.</param>
/// <param name="Parameters">Parameter values as invariant text, in file order.</param>
public sealed record PolicyEntry(string Name, string PolicySpec, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Canonical "a=1,b=2" text of the parameters.</summary>
    public string ParameterText => string.Join(",", Parameters.Select(kv => kv.Key + "=" + kv.Value));
}
