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

    /// <summary>
    /// The sampling variance of ln(the measured value) of a fitted spread quantity of <paramref name="e"/> (0 for any other
    /// quantity): for a teardown CV over n runs the normal-theory 1/(2(n − 1)) + CV²/n; for a creation CV a bootstrap of the
    /// creations' samples (200 resamples, seeded: the same measurements give the same variance), since a creation CV is
    /// set by its few largest samples and normal theory does not hold.
    /// </summary>
    public static double LogVariance(Experiment e, MeasuredQuantity q)
    {
        if (q.Name == Quantities.PeersGoneCv)
        {
            var n = e.Samples.TryGetValue("peers_gone_s_per_run", out var runs) ? runs.Count : e.Repeats ?? 1;
            return n < 2 || q.Value <= 0 ? 0 : (1.0 / (2 * (n - 1))) + (q.Value * q.Value / n);
        }

        if (q.Name != Quantities.CreationMsCv || !e.Samples.TryGetValue("creation_ms", out var xs) || xs.Count < 2)
        {
            return 0;
        }

        var random = new Random(1);
        var logs = new double[200];
        var resample = new double[xs.Count];
        for (var b = 0; b < logs.Length; b++)
        {
            for (var i = 0; i < resample.Length; i++)
            {
                resample[i] = xs[random.Next(xs.Count)];
            }

            logs[b] = Math.Log(Math.Max(1e-9, CvOfSamples(resample)));
        }

        var mean = logs.Average();
        return logs.Sum(l => (l - mean) * (l - mean)) / (logs.Length - 1);
    }

    /// <summary>
    /// A quantity's weight in the variation fit's objective: τ² / (τ² + its log sampling variance), τ² the mean squared log
    /// error the fit leaves on the precisely measured central quantities. A median counts fully; a 7-run teardown CV, whose
    /// own sampling error (≈ 29 %) is larger than the model's, counts less.
    /// </summary>
    public static double Weight(double logVariance, double tauSquared) => tauSquared <= 0 ? 1 : tauSquared / (tauSquared + logVariance);
}
