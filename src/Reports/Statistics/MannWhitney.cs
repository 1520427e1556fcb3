namespace NetnsPolicy.Reports.Statistics;

/// <summary>
/// Two-sided Mann–Whitney U test (Wilcoxon rank-sum). Exact null distribution when neither sample has more than
/// <see cref="ExactLimit"/> values and there are no ties (the permutation distribution is then tie-free and
/// enumerable); otherwise the normal approximation with tie-corrected variance and a continuity correction of ½ —
/// the same choices as R's <c>wilcox.test</c> with its defaults.
/// </summary>
public static class MannWhitney
{
    /// <summary>Largest sample size for which the exact distribution is used.</summary>
    public const int ExactLimit = 50;

    public static MannWhitneyResult Test(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count == 0 || y.Count == 0)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        int n1 = x.Count, n2 = y.Count;
        var pooled = x.Select(v => (Value: v, FromX: true)).Concat(y.Select(v => (Value: v, FromX: false)))
            .OrderBy(p => p.Value).ToArray();

        // Mid-ranks for ties, and Σ(t³ − t) over tie groups for the variance correction.
        var rankSumX = 0.0;
        var tieTerm = 0.0;
        var hasTies = false;
        for (var i = 0; i < pooled.Length;)
        {
            var j = i;
            while (j + 1 < pooled.Length && pooled[j + 1].Value.Equals(pooled[i].Value))
            {
                j++;
            }

            var t = j - i + 1;
            var midRank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (pooled[k].FromX)
                {
                    rankSumX += midRank;
                }
            }

            if (t > 1)
            {
                hasTies = true;
                tieTerm += (double)t * t * t - t;
            }

            i = j + 1;
        }

        var u = rankSumX - n1 * (n1 + 1) / 2.0;
        var center = n1 * (double)n2 / 2.0;
        var direction = u > center ? 1 : u < center ? -1 : 0;

        if (!hasTies && n1 <= ExactLimit && n2 <= ExactLimit)
        {
            return new MannWhitneyResult(u, ExactTwoSided((int)u, n1, n2), true, direction);
        }

        var n = n1 + n2;
        var variance = n1 * (double)n2 / 12.0 * (n + 1 - tieTerm / (n * (n - 1.0)));
        if (variance <= 0)
        {
            // Every value is equal: no evidence either way.
            return new MannWhitneyResult(u, 1.0, false, 0);
        }

        var z = Math.Max(0, Math.Abs(u - center) - 0.5) / Math.Sqrt(variance);
        return new MannWhitneyResult(u, Math.Min(1.0, 2 * Distributions.NormalCdf(-z)), false, direction);
    }

    /// <summary>
    /// The smallest two-sided p-value the exact test can give for these sample sizes (all of x beyond all of y).
    /// With 3 against 3 it is 0.1: no difference can be significant at 0.05, which the report warns about.
    /// </summary>
    public static double MinimumPValue(int n1, int n2) => ExactTwoSided(0, n1, n2);

    /// <summary>2·min(P(U ≤ u), P(U ≥ u)) under H₀, from the frequency of each U over all C(n₁+n₂, n₁) rank sets.</summary>
    private static double ExactTwoSided(int u, int n1, int n2)
    {
        var freq = UFrequencies(n1, n2);
        var total = freq.Sum();
        double lower = 0, upper = 0;
        for (var k = 0; k < freq.Length; k++)
        {
            if (k <= u)
            {
                lower += freq[k];
            }

            if (k >= u)
            {
                upper += freq[k];
            }
        }

        return Math.Min(1.0, 2 * Math.Min(lower, upper) / total);
    }

    /// <summary>
    /// Frequencies of U = 0..n₁n₂ by the recurrence f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1)
    /// (the largest value is either an x, beating all n y's, or a y). Doubles: C(100, 50) overflows a long.
    /// </summary>
    private static double[] UFrequencies(int n1, int n2)
    {
        // table[n][u] for the current m, built up from m = 0.
        var table = new double[n2 + 1][];
        for (var j = 0; j <= n2; j++)
        {
            table[j] = new double[1];
            table[j][0] = 1;
        }

        for (var m = 1; m <= n1; m++)
        {
            var next = new double[n2 + 1][];
            next[0] = new double[1];
            next[0][0] = 1;
            for (var j = 1; j <= n2; j++)
            {
                var row = new double[m * j + 1];
                var withX = table[j];
                var withY = next[j - 1];
                for (var k = 0; k < row.Length; k++)
                {
                    var a = k - j >= 0 && k - j < withX.Length ? withX[k - j] : 0;
                    var b = k < withY.Length ? withY[k] : 0;
                    row[k] = a + b;
                }

                next[j] = row;
            }

            table = next;
        }

        return table[n2];
    }
}
