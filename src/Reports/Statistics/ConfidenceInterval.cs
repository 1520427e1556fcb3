namespace NetnsPolicy.Reports.Statistics;

/// <summary>A point estimate with a two-sided confidence interval.</summary>
/// <param name="Estimate">The statistic on the original sample.</param>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
public readonly record struct ConfidenceInterval(double Estimate, double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;
}
