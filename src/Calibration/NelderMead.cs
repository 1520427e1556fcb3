namespace NetnsPolicy.Calibration;

/// <summary>
/// Deterministic Nelder–Mead simplex minimiser (standard coefficients: reflection 1, expansion 2, contraction 0.5,
/// shrink 0.5). No randomness: the same objective and start give the same result.
/// </summary>
internal static class NelderMead
{
    public static (double[] X, double F, int Evaluations) Minimise(Func<double[], double> f, double[] start, double step, int maxEvaluations, double tolerance, CancellationToken token)
    {
        var n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        var evals = 0;
        double Eval(double[] x)
        {
            token.ThrowIfCancellationRequested();
            evals++;
            return f(x);
        }

        simplex[0] = (double[])start.Clone();
        values[0] = Eval(simplex[0]);
        for (var i = 0; i < n; i++)
        {
            simplex[i + 1] = (double[])start.Clone();
            simplex[i + 1][i] += step;
            values[i + 1] = Eval(simplex[i + 1]);
        }

        while (evals < maxEvaluations)
        {
            var order = Enumerable.Range(0, n + 1).OrderBy(i => values[i]).ThenBy(i => i).ToArray();
            simplex = order.Select(i => simplex[i]).ToArray();
            values = order.Select(i => values[i]).ToArray();
            if (values[n] - values[0] <= tolerance * (Math.Abs(values[0]) + 1e-12) && Spread(simplex) < 1e-3)
            {
                break;
            }

            var centroid = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var d = 0; d < n; d++)
                {
                    centroid[d] += simplex[i][d] / n;
                }
            }

            double[] Toward(double t) => centroid.Select((c, d) => c + (t * (simplex[n][d] - c))).ToArray();
            var reflected = Toward(-1);
            var fr = Eval(reflected);
            if (fr < values[0])
            {
                var expanded = Toward(-2);
                var fe = Eval(expanded);
                (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1])
            {
                (simplex[n], values[n]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < values[n] ? Toward(-0.5) : Toward(0.5);
                var fc = Eval(contracted);
                if (fc < Math.Min(fr, values[n]))
                {
                    (simplex[n], values[n]) = (contracted, fc);
                }
                else
                {
                    for (var i = 1; i <= n; i++)
                    {
                        simplex[i] = simplex[i].Select((x, d) => simplex[0][d] + (0.5 * (x - simplex[0][d]))).ToArray();
                        values[i] = Eval(simplex[i]);
                    }
                }
            }
        }

        var best = Enumerable.Range(0, n + 1).OrderBy(i => values[i]).ThenBy(i => i).First();
        return (simplex[best], values[best], evals);
    }

    /// <summary>
    /// Nelder–Mead that does not stall on a stepped objective: a simulated teardown moves in grace-period-sized steps
    /// when a cost crosses a GP boundary (rcu_barrier waits for whole GPs), so the objective is piecewise flat with
    /// jumps, and a simplex collapses on a flat piece short of the optimum. After each Nelder–Mead run a compass search
    /// tries every coordinate ± s for s = step, step/2 … (doubling along a direction while it pays) (a step over a jump finds the lower piece a simplex shrinking
    /// inside one piece cannot see), and Nelder–Mead restarts from the best point with half the step, until the budget
    /// is spent or no step ≥ 1e-3 improves. Deterministic: the same objective and start give the same result.
    /// </summary>
    public static (double[] X, double F, int Evaluations) MinimiseRobust(Func<double[], double> f, double[] start, double step, int maxEvaluations, double tolerance, CancellationToken token)
    {
        var evals = 0;
        double Eval(double[] x)
        {
            token.ThrowIfCancellationRequested();
            evals++;
            return f(x);
        }

        var n = start.Length;
        var (x, fx, e0) = Minimise(f, start, step, Math.Max(n + 2, maxEvaluations / 2), tolerance, token);
        evals += e0;
        var s = step;
        while (evals < maxEvaluations && s >= 1e-3)
        {
            var improved = false;
            for (var d = 0; d < n && evals < maxEvaluations; d++)
            {
                foreach (var sign in (ReadOnlySpan<double>)[1.0, -1.0])
                {
                    if (evals >= maxEvaluations)
                    {
                        break;
                    }

                    var y = (double[])x.Clone();
                    y[d] += sign * s;
                    var fy = Eval(y);
                    if (fy < fx)
                    {
                        (x, fx, improved) = (y, fy, true);
                        // Go on along a direction that pays, doubling the step, while it keeps paying.
                        for (var t = 2 * s; evals < maxEvaluations; t *= 2)
                        {
                            var z = (double[])x.Clone();
                            z[d] += sign * t;
                            var fz = Eval(z);
                            if (fz >= fx)
                            {
                                break;
                            }

                            (x, fx) = (z, fz);
                        }

                        break;
                    }
                }
            }

            if (improved && evals < maxEvaluations)
            {
                var (x2, f2, e2) = Minimise(f, x, s, Math.Min(maxEvaluations - evals, Math.Max(n + 2, maxEvaluations / 4)), tolerance, token);
                evals += e2;
                if (f2 < fx)
                {
                    (x, fx) = (x2, f2);
                }
            }
            else
            {
                s /= 2;
            }
        }

        return (x, fx, evals);
    }

    private static double Spread(double[][] simplex)
    {
        var max = 0.0;
        for (var i = 1; i < simplex.Length; i++)
        {
            for (var d = 0; d < simplex[0].Length; d++)
            {
                max = Math.Max(max, Math.Abs(simplex[i][d] - simplex[0][d]));
            }
        }

        return max;
    }
}
