namespace NetnsPolicy.Service.Runs;

/// <summary>What a run was submitted as.</summary>
internal enum RunKind
{
    /// <summary>One policy (SubmitRun), planned as a comparison of one contender.</summary>
    Single,

    /// <summary>Several contenders against a baseline (SubmitComparison).</summary>
    Comparison,
}
