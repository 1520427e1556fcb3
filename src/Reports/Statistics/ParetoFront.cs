namespace NetnsPolicy.Reports.Statistics;

/// <summary>Non-dominated points over several objectives, each minimised or maximised.</summary>
public static class ParetoFront
{
    /// <summary>
    /// Indices of the points no other point dominates, in input order. A dominates B when A is at least as good on
    /// every objective and strictly better on one; equal points do not dominate each other, so duplicates all stay.
    /// </summary>
    /// <param name="points">One value per objective for each point.</param>
    /// <param name="minimize">Per objective: true when lower is better.</param>
    public static IReadOnlyList<int> Compute(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<bool> minimize)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(minimize);
        if (points.Any(p => p.Count != minimize.Count))
        {
            throw new ArgumentException("every point needs one value per objective", nameof(points));
        }

        var front = new List<int>();
        for (var i = 0; i < points.Count; i++)
        {
            var dominated = false;
            for (var j = 0; j < points.Count && !dominated; j++)
            {
                dominated = j != i && Dominates(points[j], points[i], minimize);
            }

            if (!dominated)
            {
                front.Add(i);
            }
        }

        return front;
    }

    /// <summary>True when <paramref name="a"/> dominates <paramref name="b"/>.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<bool> minimize)
    {
        var strictlyBetter = false;
        for (var k = 0; k < minimize.Count; k++)
        {
            var better = minimize[k] ? a[k] < b[k] : a[k] > b[k];
            var worse = minimize[k] ? a[k] > b[k] : a[k] < b[k];
            if (worse)
            {
                return false;
            }

            strictlyBetter |= better;
        }

        return strictlyBetter;
    }
}
