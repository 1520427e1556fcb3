namespace NetnsPolicy.Reports.Statistics;

/// <summary>
/// Two-sided Mann–Whitney U test (Wilcoxon rank-sum). Up to <see cref="ExactLimit"/> values in all, the p-value is
/// exact: the permutation distribution of the rank sum, counted over every way of choosing which pooled values are
/// x's, with mid-ranks for ties. Ties matter here: replications of a deterministic workload are often identical, and
/// the tie-corrected normal approximation then calls 3 identical runs against 3 others significant (p ≈ 0.0495)
/// when the exact p-value is 0.1. Beyond the limit: the normal approximation with tie-corrected variance and a
/// continuity correction of ½, as R's <c>wilcox.test</c> does.
/// </summary>
public static class MannWhitney
{
    /// <summary>Largest total number of values for which the exact distribution is used.</summary>
    public const int ExactLimit = 60;

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
        var doubledRanks = new int[pooled.Length];
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
                doubledRanks[k] = i + j + 2;
                if (pooled[k].FromX)
                {
                    rankSumX += midRank;
                }
            }

            if (t > 1)
            {
                tieTerm += (double)t * t * t - t;
            }

            i = j + 1;
        }

        var u = rankSumX - n1 * (n1 + 1) / 2.0;
        var center = n1 * (double)n2 / 2.0;
        var direction = u > center ? 1 : u < center ? -1 : 0;

        if (n1 + n2 <= ExactLimit)
        {
            return new MannWhitneyResult(u, ExactTwoSided(doubledRanks, n1, (int)Math.Round(2 * rankSumX)), true, direction);
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
    public static double MinimumPValue(int n1, int n2)
    {
        var ranks = Enumerable.Range(1, n1 + n2).Select(r => 2 * r).ToArray();
        return ExactTwoSided(ranks, n1, n1 * (n1 + 1));
    }

    /// <summary>
    /// 2·min(P(S ≤ s), P(S ≥ s)) for the doubled rank sum S of n₁ values drawn without replacement from
    /// <paramref name="doubledRanks"/>, counting subsets by dynamic programming over (values chosen, sum). Doubled
    /// ranks are integers even with mid-ranks. Counts are doubles: C(60, 30) overflows a long.
    /// </summary>
    private static double ExactTwoSided(int[] doubledRanks, int n1, int observed)
    {
        var maxSum = doubledRanks.Sum();
        var ways = new double[n1 + 1, maxSum + 1];
        ways[0, 0] = 1;
        var reached = 0;
        foreach (var r in doubledRanks)
        {
            reached += r;
            for (var k = n1; k >= 1; k--)
            {
                for (var sum = reached; sum >= r; sum--)
                {
                    ways[k, sum] += ways[k - 1, sum - r];
                }
            }
        }

        double lower = 0, upper = 0, total = 0;
        for (var sum = 0; sum <= maxSum; sum++)
        {
            var w = ways[n1, sum];
            total += w;
            if (sum <= observed)
            {
                lower += w;
            }

            if (sum >= observed)
            {
                upper += w;
            }
        }

        return Math.Min(1.0, 2 * Math.Min(lower, upper) / total);
    }
}
