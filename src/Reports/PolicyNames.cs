namespace NetnsPolicy.Reports;

/// <summary>The one label format of a policy with parameters, used by every report, plot and ranking: <c>batching[batch_size=32]</c>.</summary>
public static class PolicyNames
{
    /// <summary><paramref name="policy"/> with its canonical parameter text in brackets, unless the name already carries it.</summary>
    public static string Label(string policy, string parameters)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return string.IsNullOrEmpty(parameters) || policy.Contains('[', StringComparison.Ordinal) ? policy : $"{policy}[{parameters}]";
    }

    /// <summary>The label of a report's policy line.</summary>
    public static string Label(PolicySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return Label(summary.Policy, summary.Parameters);
    }
}
