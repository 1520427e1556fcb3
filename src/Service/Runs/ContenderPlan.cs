namespace NetnsPolicy.Service.Runs;

/// <summary>One contender of a run.</summary>
/// <param name="Label">Its name in the report.</param>
/// <param name="PolicyId">Canonical policy id from the catalog.</param>
/// <param name="CanonicalParameters">Bound parameters, defaults filled in (<c>a=1,b=2</c>).</param>
/// <param name="AssemblyHash">Hash of the policy's assemblies.</param>
internal sealed record ContenderPlan(string Label, string PolicyId, string CanonicalParameters, string AssemblyHash);
