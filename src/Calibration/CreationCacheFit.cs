using System.Globalization;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>
/// How a creation's cost depends on the creations before it, from the probe's creation-gap experiments (kind
/// <c>gap</c>, <see cref="Prober"/>: serial creations after pauses of 0 … 50 ms, interleaved in one sequence) and its
/// serial experiment (creations back to back): <see cref="CreationCacheSpec"/>'s warmth recursion run along both
/// sequences, in the order the host ran them, and fitted by least squares of log creation time to
/// <c>w · (cold_factor − (cold_factor − 1) · h)</c> — a coarse grid over cold_factor, warm_decay_ms and
/// warming_per_creation, then a fine one around the best, the warm cost w solved in closed form. A creation more
/// than three times its experiment's median (an interrupt, a preemption) is left out. Wall time, not CPU time: these
/// creations neither sleep nor wait for a CPU, and the thread CPU clock read some of them (41 of 300 on 2026-12-03)
/// at a fraction of their wall time. Measured, then set into the profile: calibrate fits the init scale afterwards,
/// with the cooling in place, so the init costs are a warm creation's.
/// </summary>
public static class CreationCacheFit
{
    public const string Kind = "gap";

    /// <summary>The fitted recursion, the warm creation's time and the fit's residual, and the experiments' medians.</summary>
    public sealed record Result(CreationCacheSpec Spec, double WarmMs, double RmsLogError, int Creations, IReadOnlyList<(string Experiment, double PauseMs, double CreationMs)> Medians);

    private readonly record struct Creation(double PauseMs, double LogMs, bool Measured);

    /// <summary>The cooling measured by <paramref name="set"/>'s creation-gap experiments, or null when it has none.</summary>
    /// <exception cref="InputValidationException">Gap experiments that cannot measure it: fewer than three pauses, or samples missing or unusable (named).</exception>
    public static Result? Measure(MeasurementSet set) => Measure([(set, "")]);

    /// <summary>
    /// The cooling pooled over several sessions of one host (<c>calibrate DIR DIR…</c>): one cold_factor, warm_decay_ms
    /// and warming_per_creation for every session's sequences, each session with its own warm cost (a build or a boot
    /// moves a warm creation's time, up to a third between two builds on 2026-12-04, and one warm cost for all would
    /// charge that drift to the cooling). Sessions without gap experiments add nothing; null when none has them. The
    /// medians are named <c>label/experiment</c> when a label is given; the warm cost reported is the first session's.
    /// </summary>
    public static Result? Measure(IReadOnlyList<(MeasurementSet Set, string Label)> sessions)
    {
        var medians = new List<(string, double, double)>();
        var sequences = new List<Creation[]>();
        var groups = new List<int>();
        foreach (var (set, label) in sessions)
        {
            if (Sequences(set, label, medians) is { } own)
            {
                var group = groups.Count == 0 ? 0 : groups[^1] + 1;
                sequences.AddRange(own);
                groups.AddRange(own.Select(_ => group));
            }
        }

        if (sequences.Count == 0)
        {
            return null;
        }

        var groupCount = groups.Count == 0 ? 0 : groups[^1] + 1;
        var creations = sequences.Sum(s => s.Count(c => c.Measured));
        (double Error, double Cold, double Decay, double Warming, double LogW) best = (double.MaxValue, 1, 1, 1, 0);
        void Search(IEnumerable<double> colds, IEnumerable<double> decays, IEnumerable<double> warmings)
        {
            var coldList = colds.ToList();
            foreach (var decay in decays)
            {
                foreach (var warming in warmings)
                {
                    var h = Warmth(sequences, decay, warming);
                    foreach (var cold in coldList)
                    {
                        var (error, logW) = Residual(sequences, groups, groupCount, h, cold);
                        if (error < best.Error - 1e-12)
                        {
                            best = (error, cold, decay, warming, logW);
                        }
                    }
                }
            }
        }

        // Coarse: cold factor 1 … 4 by 0.1, decay 0.2 ms … 500 ms in 24 logarithmic steps, warming 0.1 … 1 by 0.1.
        const double decayStep = 0.1412; // log10(2500) / 24
        Search(Steps(1, 4, 0.1), Enumerable.Range(0, 25).Select(j => 0.2 * Math.Pow(10, j * decayStep)), Steps(0.1, 1, 0.1));
        // Fine: around the best, a tenth of a coarse step.
        var (c0, d0, a0) = (best.Cold, best.Decay, best.Warming);
        Search(Steps(Math.Max(1, c0 - 0.1), Math.Min(4, c0 + 0.1), 0.01),
            Enumerable.Range(-10, 21).Select(j => d0 * Math.Pow(10, j * decayStep / 10)).Where(d => d is >= 0.1 and <= 1000),
            Steps(Math.Max(0.01, a0 - 0.1), Math.Min(1, a0 + 0.1), 0.01));

        var spec = new CreationCacheSpec { ColdFactor = Math.Round(best.Cold, 3), WarmDecayMs = Math.Round(best.Decay, 3), WarmingPerCreation = Math.Round(best.Warming, 3) };
        return new Result(spec, Math.Exp(best.LogW), Math.Sqrt(best.Error / creations), creations, medians);
    }

    /// <summary>
    /// One session's sequences (the gap experiments in the order the host ran them; its serial experiment), the gap
    /// medians added to <paramref name="medians"/>; null without gap experiments.
    /// </summary>
    private static List<Creation[]>? Sequences(MeasurementSet set, string label, List<(string, double, double)> medians)
    {
        var gaps = set.Experiments.Where(e => e.Kind == Kind).ToList();
        if (gaps.Count == 0)
        {
            return null;
        }

        var prefix = label.Length == 0 ? "" : label + "/";
        var own = new List<double>();
        var sequence = new List<(double StartMs, Creation C)>();
        foreach (var e in gaps)
        {
            if (!e.Samples.TryGetValue("outside_ms", out var pauses) || !e.Samples.TryGetValue("creation_ms", out var ms) || !e.Samples.TryGetValue("creation_start_ms", out var starts)
                || pauses.Count == 0 || pauses.Count != ms.Count || starts.Count != ms.Count)
            {
                throw new InputValidationException([new FieldError($"{prefix}experiments[{e.Name}].samples", "a creation-gap experiment needs outside_ms, creation_ms and creation_start_ms samples of equal, non-zero length")]);
            }

            if (pauses.Concat(starts).Any(x => !double.IsFinite(x)) || pauses.Any(p => p < 0) || ms.Any(m => !(double.IsFinite(m) && m > 0)))
            {
                throw new InputValidationException([new FieldError($"{prefix}experiments[{e.Name}].samples", "pauses (outside_ms) must be finite and ≥ 0, creation times (creation_ms) finite and > 0")]);
            }

            var median = Prober.Percentile(ms, 0.5);
            var pause = Prober.Percentile(pauses, 0.5);
            medians.Add((prefix + e.Name, pause, median));
            own.Add(pause);
            for (var i = 0; i < ms.Count; i++)
            {
                sequence.Add((starts[i], new Creation(pauses[i], Math.Log(ms[i]), ms[i] <= 3 * median)));
            }
        }

        if (own.Select(p => Math.Round(p, 1)).Distinct().Count() < 3)
        {
            throw new InputValidationException([new FieldError(prefix + "experiments", $"the creation-gap experiments ({string.Join(", ", gaps.Select(e => e.Name))}) need three or more different pauses to measure how a creation cools")]);
        }

        // The probe's gap sequence starts with one creation it does not time; the serial one starts cold, back to back.
        var sequences = new List<Creation[]>();
        sequences.Add([new Creation(0, 0, false), .. sequence.OrderBy(s => s.StartMs).ThenBy(s => s.C.PauseMs).Select(s => s.C)]);
        if (set.Experiments.FirstOrDefault(e => e.Kind == "serial") is { } serial && serial.Samples.TryGetValue("creation_ms", out var serialMs) && serialMs.Count > 0 && serialMs.All(m => double.IsFinite(m) && m > 0))
        {
            var median = Prober.Percentile(serialMs, 0.5);
            sequences.Add([.. serialMs.Select(m => new Creation(0, Math.Log(m), m <= 3 * median))]);
        }

        return sequences;
    }

    private static IEnumerable<double> Steps(double from, double to, double step)
    {
        var n = (int)Math.Round((to - from) / step);
        return Enumerable.Range(0, n + 1).Select(i => Math.Round(from + (i * step), 6));
    }

    /// <summary>Each creation's warmth at its start, along each sequence (the first of each cold).</summary>
    private static double[][] Warmth(List<Creation[]> sequences, double decayMs, double warming)
    {
        var spec = new CreationCacheSpec { WarmDecayMs = decayMs, WarmingPerCreation = warming };
        return [.. sequences.Select(seq =>
        {
            var hs = new double[seq.Length];
            var h = 0.0;
            for (var i = 0; i < seq.Length; i++)
            {
                h = spec.Decayed(h, (long)Math.Round(seq[i].PauseMs * 1e6));
                hs[i] = h;
                h = spec.Warmed(h);
            }

            return hs;
        })];
    }

    /// <summary>
    /// The squared log residual about each session's own warm cost (<paramref name="groups"/>: the session of each
    /// sequence), and the first session's log warm cost.
    /// </summary>
    private static (double Error, double LogW) Residual(List<Creation[]> sequences, List<int> groups, int groupCount, double[][] h, double cold)
    {
        Span<double> sum = stackalloc double[groupCount];
        Span<double> sumSq = stackalloc double[groupCount];
        Span<int> n = stackalloc int[groupCount];
        for (var s = 0; s < sequences.Count; s++)
        {
            var seq = sequences[s];
            var g = groups[s];
            for (var i = 0; i < seq.Length; i++)
            {
                if (seq[i].Measured)
                {
                    var r = seq[i].LogMs - Math.Log(cold - ((cold - 1) * h[s][i]));
                    sum[g] += r;
                    sumSq[g] += r * r;
                    n[g]++;
                }
            }
        }

        var error = 0.0;
        for (var g = 0; g < groupCount; g++)
        {
            var mean = sum[g] / n[g];
            error += sumSq[g] - (n[g] * mean * mean);
        }

        return (error, sum[0] / n[0]);
    }

    /// <summary>validate's line: the cooling the folder's gap experiments measure beside the profile's.</summary>
    public static string Render(Result measured, CreationCacheSpec? profile)
    {
        static string Spec(CreationCacheSpec c) => string.Create(CultureInfo.InvariantCulture, $"cold_factor {c.ColdFactor:F3}, warm_decay_ms {c.WarmDecayMs:F3}, warming_per_creation {c.WarmingPerCreation:F3}");
        return string.Create(CultureInfo.InvariantCulture,
            $"a creation after a pause (gap experiments, {measured.Creations} creations): measured {Spec(measured.Spec)} (warm {measured.WarmMs:F3} ms); the profile's: {(profile is null ? "none (every creation costs the same)" : Spec(profile))}{Environment.NewLine}");
    }

    /// <summary>The provenance sentence for the fitted profile.</summary>
    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"A creation after a pause runs cold: creation_cache cold_factor {r.Spec.ColdFactor:F3}, warm_decay_ms {r.Spec.WarmDecayMs:F3}, warming_per_creation {r.Spec.WarmingPerCreation:F3}, measured (not fitted to what it predicts) from {r.Creations} creations of the probe's creation-gap and serial experiments in the order the host ran them (median creation against median pause: {string.Join(", ", r.Medians.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.PauseMs:F2} ms: {p.CreationMs:F3} ms")))}; warm {r.WarmMs:F3} ms, RMS log error {r.RmsLogError:F3}). ");
}
