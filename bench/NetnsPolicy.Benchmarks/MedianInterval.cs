namespace NetnsPolicy.Benchmarks;

/// <summary>
/// A distribution-free confidence interval for a median by order statistics: with <c>n</c> independent samples the
/// number below the true median is Binomial(n, ½), so the interval from the <c>k</c>-th smallest to the <c>k</c>-th
/// largest sample covers the median with probability 1 − 2·P(B ≤ k − 1). The pair efficiencies of
/// <c>--tournament</c> scatter too much between pairs (docs/benchmarks.md, "Issue 16, sixth round") for one median to
/// say whether a target is met; this interval says how sure that median is without assuming a distribution. The
/// coverage is computed exactly in integers (as a fraction of 2ⁿ) so the tests can check it against hand-computed values.
/// </summary>
internal static class MedianInterval
{
    /// <summary>The largest sample count whose 2ⁿ still fits a <see cref="long"/> with room for the sums.</summary>
    public const int MaxSamples = 60;

    /// <summary>
    /// The chosen ranks: <paramref name="Lower"/> and <paramref name="Upper"/> are 1-based ranks in the sorted samples;
    /// the interval covers the median with probability <paramref name="CoveredOutcomes"/> / <paramref name="Outcomes"/>.
    /// </summary>
    public readonly record struct Ranks(int Lower, int Upper, long CoveredOutcomes, long Outcomes)
    {
        /// <summary>The achieved coverage as a probability.</summary>
        public double Coverage => (double)CoveredOutcomes / Outcomes;
    }

    /// <summary>
    /// The narrowest symmetric ranks whose coverage is at least <paramref name="confidence"/>, or <see langword="null"/>
    /// when even the full range (minimum to maximum) covers less, i.e. there are too few samples.
    /// </summary>
    public static Ranks? Choose(int n, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxSamples);
        var outcomes = 1L << n;
        Ranks? best = null;
        long below = 0; // Σ_{i<k} C(n, i)
        long choose = 1; // C(n, k − 1)
        for (var k = 1; 2 * k <= n + 1; k++)
        {
            below += choose;
            var covered = outcomes - 2 * below;
            if ((double)covered / outcomes < confidence)
            {
                break;
            }
            best = new Ranks(k, n + 1 - k, covered, outcomes);
            choose = choose * (n - (k - 1)) / k;
        }
        return best;
    }

    /// <summary>The interval itself for <paramref name="samples"/>, or <see langword="null"/> with too few.</summary>
    public static (double Low, double High, Ranks Ranks)? Of(IReadOnlyList<double> samples, double confidence)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0 || Choose(samples.Count, confidence) is not { } ranks)
        {
            return null;
        }
        var sorted = samples.Order().ToArray();
        return (sorted[ranks.Lower - 1], sorted[ranks.Upper - 1], ranks);
    }
}
