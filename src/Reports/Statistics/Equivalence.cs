namespace NetnsPolicy.Reports.Statistics;

/// <summary>
/// Schuirmann's two one-sided tests (TOST) with Welch's t: is the difference of means inside (−margin, +margin)?
/// The equivalence p-value is the larger of the two one-sided p-values; below α the samples are equivalent.
/// </summary>
public static class Equivalence
{
    /// <summary>The TOST p-value for mean(x) − mean(y) lying within ±<paramref name="margin"/>; NaN when either sample has fewer than two values or both have no variance.</summary>
    public static double TostPValue(IReadOnlyList<double> x, IReadOnlyList<double> y, double margin)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count < 2 || y.Count < 2 || !(margin > 0))
        {
            return double.NaN;
        }

        var (mx, vx) = MeanVariance(x);
        var (my, vy) = MeanVariance(y);
        var ax = vx / x.Count;
        var ay = vy / y.Count;
        var se2 = ax + ay;
        if (!(se2 > 0))
        {
            return double.NaN;
        }

        var se = Math.Sqrt(se2);
        var df = se2 * se2 / (ax * ax / (x.Count - 1) + ay * ay / (y.Count - 1));
        var delta = mx - my;
        var pLower = 1 - Distributions.StudentTCdf((delta + margin) / se, df);
        var pUpper = Distributions.StudentTCdf((delta - margin) / se, df);
        return Math.Max(pLower, pUpper);
    }

    private static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> v)
    {
        var mean = v.Average();
        var ss = v.Sum(a => (a - mean) * (a - mean));
        return (mean, ss / (v.Count - 1));
    }
}
