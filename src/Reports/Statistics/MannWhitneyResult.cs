namespace NetnsPolicy.Reports.Statistics;

/// <summary>The outcome of a Mann–Whitney U test of sample x against sample y.</summary>
/// <param name="U">U statistic of x: the number of (x, y) pairs with x &gt; y, ties counting one half.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the p-value comes from the exact null distribution, false for the normal approximation.</param>
/// <param name="Direction">+1 when x tends to be larger than y (U &gt; n₁n₂/2), −1 when smaller, 0 when balanced.</param>
public readonly record struct MannWhitneyResult(double U, double PValue, bool Exact, int Direction);
