namespace NetnsPolicy.Calibration;

/// <summary>
/// Coefficient of variation of a latency distribution from its quantiles: the simulation reports creation latency as
/// quantiles (the 20 points of <c>series.creation_cdf</c>), so the host's samples are reduced to the same 20 points and
/// both CVs come from one formula — the distribution taken as uniform between consecutive quantile points, which keeps
/// the maximum (the tail) in.
/// </summary>
public static class Spread
{
    /// <summary>The levels of <c>series.creation_cdf</c> (LatencyRecorder), in percent.</summary>
    public static IReadOnlyList<double> Levels { get; } = [0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99, 100];

    /// <summary>CV of the piecewise-uniform distribution through the points [value, cumulative fraction].</summary>
    public static double CvFromCdf(IReadOnlyList<double[]> cdf)
    {
        if (cdf.Count < 2)
        {
            return 0;
        }

        double m1 = 0, m2 = 0, mass = 0;
        for (var i = 1; i < cdf.Count; i++)
        {
            var (a, b, w) = (cdf[i - 1][0], cdf[i][0], cdf[i][1] - cdf[i - 1][1]);
            if (w <= 0)
            {
                continue;
            }

            m1 += w * (a + b) / 2;
            m2 += w * ((a * a) + (a * b) + (b * b)) / 3;
            mass += w;
        }

        if (mass <= 0 || m1 <= 0)
        {
            return 0;
        }

        m1 /= mass;
        m2 /= mass;
        return Math.Sqrt(Math.Max(0, m2 - (m1 * m1))) / m1;
    }

    /// <summary>The same CV for raw samples, through their quantiles at <see cref="Levels"/>.</summary>
    public static double CvOfSamples(IReadOnlyList<double> samples) =>
        samples.Count < 2 ? 0 : CvFromCdf(Levels.Select(q => new[] { Prober.Percentile(samples, q / 100), q / 100 }).ToList());

    /// <summary>Sample coefficient of variation (standard deviation over mean) of a few values, e.g. one burst's teardown over runs.</summary>
    public static double Cv(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2)
        {
            return 0;
        }

        var mean = xs.Average();
        var sd = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
        return mean > 0 ? sd / mean : 0;
    }
}
