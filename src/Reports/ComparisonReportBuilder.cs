using System.Globalization;
using NetnsPolicy.Reports.Statistics;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>Builds a <see cref="ComparisonReport"/> from the runs of a comparison.</summary>
public static class ComparisonReportBuilder
{
    /// <summary>Confidence level of the bootstrap intervals.</summary>
    public const double Confidence = 0.95;

    /// <summary>Significance level of the verdicts.</summary>
    public const double Alpha = 0.05;

    /// <summary>Seed of the bootstrap streams; each (policy, metric) derives its own from it, so reports are reproducible.</summary>
    public const ulong BootstrapSeed = 0x6E65746E73UL;

    private const int MaxProblemsListed = 10;

    /// <summary>Statistics per metric and policy, verdicts against the baseline, Pareto front, warnings.</summary>
    /// <exception cref="InputValidationException">The baseline is missing, a policy appears twice or has no runs.</exception>
    public static ComparisonReport Build(ComparisonInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Validate(input);

        var baseline = input.Policies.Single(p => p.Policy == input.Baseline);
        var baselineSamples = MetricCatalog.All.ToDictionary(m => m.Id, m => Samples(baseline, m));
        var baselineFingerprints = new byte[]?[baseline.Runs.Count];
        var warnings = new List<string>();
        var summaries = new List<PolicySummary>();
        foreach (var policy in input.Policies)
        {
            var isBaseline = ReferenceEquals(policy, baseline);
            var metrics = MetricCatalog.All.Select(m => Compare(policy, baseline, m, baselineSamples[m.Id], isBaseline, input.Thresholds)).ToArray();
            var problems = Problems(policy.Runs);
            var identical = !isBaseline && IdenticalRuns(policy.Runs, baseline.Runs, baselineFingerprints);
            var decisions = SumDecisions(policy.Runs);
            var summary = new PolicySummary
            {
                Policy = policy.Policy,
                Parameters = policy.Parameters,
                AssemblyHash = policy.AssemblyHash,
                IsBaseline = isBaseline,
                Runs = policy.Runs.Count,
                Disqualified = problems.Count > 0,
                Problems = problems,
                IdenticalToBaseline = identical,
                Metrics = metrics,
                Decisions = decisions,
                Profile = input.FullSeries ? policy.Runs[0].Profile : SeriesAggregation.PruneProfile(policy.Runs[0].Profile),
                Series = input.FullSeries ? policy.Runs[0].Series : SeriesAggregation.ToPixelGrid(policy.Runs[0].Series),
            };
            summaries.Add(summary with { Explanation = VerdictExplanation.Explain(summary, policy.Runs, baseline.Runs, baselineSamples) });

            if (problems.Count > 0)
            {
                warnings.Add($"{policy.Policy} is disqualified: {problems[0]}{(problems.Count > 1 ? $" (and {problems.Count - 1} more)" : "")}");
            }

            if (identical)
            {
                warnings.Add($"{policy.Policy}: every run's results equal the baseline's bit for bit — the policy had no effect on this workload");
            }
            else if (!isBaseline && decisions.Values.All(d => d.Changed == 0))
            {
                warnings.Add($"{policy.Policy} never changed a decision from the kernel's ({decisions.Values.Sum(d => d.Calls)} decisions asked)");
            }
        }

        var deterministic = summaries.All(p => p.Runs > 1 && p.Metrics.All(m => m.Deterministic || !m.Measured || p.IsBaseline))
            && input.Policies.All(p => p.Runs.Count > 1);
        if (deterministic)
        {
            warnings.Add("every replication of every policy gave the same metrics: the workload is deterministic, so each policy is one observation, compared with the baseline against the practical threshold without a statistical test");
        }
        else
        {
            warnings.AddRange(SampleSizeWarnings(input));
        }

        return new ComparisonReport
        {
            Thresholds = input.Thresholds,
            Deterministic = deterministic,
            FullSeries = input.FullSeries,
            Workload = input.Workload,
            KernelProfile = input.KernelProfile,
            Baseline = input.Baseline,
            Replications = input.Policies.Min(p => p.Runs.Count),
            Policies = summaries,
            ParetoFront = Pareto(summaries),
            Warnings = warnings,
        };
    }

    /// <summary>The significance-only verdict of a Mann–Whitney test, respecting the metric's direction (no threshold).</summary>
    public static string Verdict(MannWhitneyResult test, bool lowerIsBetter, double alpha = Alpha)
    {
        if (test.PValue >= alpha || test.Direction == 0)
        {
            return Verdicts.NoSignificantDifference;
        }

        var larger = test.Direction > 0;
        return larger != lowerIsBetter ? Verdicts.Better : Verdicts.Worse;
    }

    /// <summary>
    /// The verdict of an effect against its practical threshold: better or worse only when |effect| exceeds the
    /// threshold and the difference is significant (deterministic samples need no test); otherwise equivalent when the
    /// TOST p-value is below α (always, for deterministic samples), else no significant difference.
    /// </summary>
    public static string Verdict(double effect, double threshold, bool lowerIsBetter, bool deterministic, double pValue, double equivalencePValue, double alpha = Alpha)
    {
        var significant = deterministic || pValue < alpha;
        if (significant && Math.Abs(effect) > threshold)
        {
            return (effect < 0) == lowerIsBetter ? Verdicts.Better : Verdicts.Worse;
        }

        return (deterministic && Math.Abs(effect) <= threshold) || equivalencePValue < alpha ? Verdicts.Equivalent : Verdicts.NoSignificantDifference;
    }

    /// <summary>mean / baseline mean; 1 when both are 0; NaN (shown as n/a, null in JSON) when only the baseline's is 0.</summary>
    public static double Ratio(double mean, double baselineMean) =>
        baselineMean != 0 ? mean / baselineMean : mean == 0 ? 1.0 : double.NaN;

    private static void Validate(ComparisonInput input)
    {
        var errors = new List<FieldError>();
        if (input.Policies.Count(p => p.Policy == input.Baseline) != 1)
        {
            errors.Add(new FieldError("baseline", $"'{input.Baseline}' is not one of the policies ({string.Join(", ", input.Policies.Select(p => p.Policy))})"));
        }

        for (var i = 0; i < input.Policies.Count; i++)
        {
            var p = input.Policies[i];
            if (p.Runs.Count == 0)
            {
                errors.Add(new FieldError($"policies[{i}].runs", $"{p.Policy} has no runs"));
            }

            if (input.Policies.Take(i).Any(q => q.Policy == p.Policy))
            {
                errors.Add(new FieldError($"policies[{i}].policy", $"{p.Policy} appears twice"));
            }
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }
    }

    private static double[] Samples(PolicyRuns policy, MetricDefinition metric) => policy.Runs.Select(metric.Read).ToArray();

    private static MetricComparison Compare(PolicyRuns policy, PolicyRuns baseline, MetricDefinition metric, double[] baselineSamples, bool isBaseline, PracticalThresholds thresholds)
    {
        var samples = Samples(policy, metric);
        var ci = Bootstrap.MeanInterval(samples, SeededRandom.SeedFrom(BootstrapSeed, policy.Policy + "\n" + metric.Id), Confidence);
        var baselineMean = Bootstrap.Mean(baselineSamples);
        var measured = policy.Runs.Any(metric.IsMeasuredIn) && baseline.Runs.Any(metric.IsMeasuredIn);
        var threshold = thresholds.AbsoluteFor(metric, baselineMean);
        var comparison = new MetricComparison
        {
            Metric = metric.Id,
            Unit = metric.Unit,
            LowerIsBetter = metric.LowerIsBetter,
            Mean = ci.Estimate,
            CiLow = ci.Low,
            CiHigh = ci.High,
            Threshold = threshold,
            Measured = measured,
            Deterministic = IsConstant(samples) && IsConstant(baselineSamples),
            Samples = samples,
        };
        if (isBaseline)
        {
            return comparison with { Ratio = measured ? 1.0 : double.NaN, PValue = 1.0, Test = "none", Verdict = Verdicts.Baseline };
        }

        return Judge(comparison, samples, baselineSamples, baselineMean);
    }

    /// <summary>
    /// The same report judged against other practical thresholds: every policy's effect, threshold, tests and verdicts
    /// recomputed from the samples the report carries, and the headline of each explanation (its evidence kept).
    /// </summary>
    public static ComparisonReport Rejudge(ComparisonReport report, PracticalThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(thresholds);
        var baseline = report.Policies.Single(p => p.IsBaseline);
        var policies = report.Policies.Select(p =>
        {
            if (p.IsBaseline)
            {
                return p;
            }

            var metrics = p.Metrics.Select(m =>
            {
                var definition = MetricCatalog.Find(m.Metric);
                var baselineSamples = baseline.Metrics.Single(b => b.Metric == m.Metric).Samples.ToArray();
                if (definition is null || !m.Measured)
                {
                    return m;
                }

                var baselineMean = Bootstrap.Mean(baselineSamples);
                return Judge(m with { Threshold = thresholds.AbsoluteFor(definition, baselineMean), EquivalencePValue = double.NaN }, m.Samples.ToArray(), baselineSamples, baselineMean);
            }).ToArray();
            var judged = p with { Metrics = metrics };
            return judged with { Explanation = VerdictExplanation.WithHeadline(judged) };
        }).ToArray();
        return report with { Thresholds = thresholds, Policies = policies };
    }

    private static MetricComparison Judge(MetricComparison comparison, double[] samples, double[] baselineSamples, double baselineMean)
    {
        var effect = comparison.Mean - baselineMean;
        var threshold = comparison.Threshold;
        if (!comparison.Measured)
        {
            return comparison with { Ratio = double.NaN, Effect = double.NaN, PValue = double.NaN, Test = "none", Verdict = Verdicts.NotMeasured };
        }

        if (comparison.Deterministic)
        {
            return comparison with
            {
                Ratio = Ratio(comparison.Mean, baselineMean),
                Effect = effect,
                PValue = double.NaN,
                Test = "deterministic",
                Verdict = Verdict(effect, threshold, comparison.LowerIsBetter, deterministic: true, double.NaN, double.NaN),
            };
        }

        var test = MannWhitney.Test(samples, baselineSamples);
        var equivalence = Equivalence.TostPValue(samples, baselineSamples, threshold);
        return comparison with
        {
            Ratio = Ratio(comparison.Mean, baselineMean),
            Effect = effect,
            PValue = test.PValue,
            EquivalencePValue = equivalence,
            Test = test.Exact ? "exact" : "normal",
            Verdict = Verdict(effect, threshold, comparison.LowerIsBetter, deterministic: false, test.PValue, equivalence),
        };
    }

    /// <summary>Two or more values, all equal: a deterministic observation repeated.</summary>
    private static bool IsConstant(double[] samples) => samples.Length > 1 && samples.All(v => v.Equals(samples[0]));

    private static List<string> Problems(IReadOnlyList<RunResult> runs)
    {
        var problems = new List<string>();
        var total = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var label = string.Create(CultureInfo.InvariantCulture, $"replication {r.Replication} (seed {r.Seed})");
            if (r.Status != RunStatus.Ok)
            {
                total++;
                AddCapped(problems, $"{label}: status {r.Status}{(r.StatusDetail is { Length: > 0 } d ? ": " + d : "")}");
            }

            foreach (var v in r.OracleViolations)
            {
                total++;
                AddCapped(problems, string.Create(CultureInfo.InvariantCulture, $"{label}: oracle {v.Rule} broken at {v.TimeNs / 1e6:F3} ms ({v.Objects}): {v.Message}"));
            }
        }

        if (total > problems.Count)
        {
            problems.Add($"… {total - problems.Count} more");
        }

        return problems;
    }

    private static void AddCapped(List<string> problems, string text)
    {
        if (problems.Count < MaxProblemsListed)
        {
            problems.Add(text);
        }
    }

    /// <summary>
    /// Runs are compared by their serialized results with the identity of the policy blanked out: whether every run
    /// serializes to the same JSON as the baseline's, policy name, parameters and decisions aside, by the JSON's
    /// SHA-256 (<see cref="RunFingerprint"/>: the one a run carries if its holder dropped its series, else computed).
    /// Runs whose integer counters differ cannot (those fields are in the JSON), so the counters are compared first,
    /// without serializing (a holder may drop the series of a run they tell apart without taking its fingerprint,
    /// <see cref="RunFingerprint.LightenUnfingerprinted"/>); the baseline's fingerprints are taken once per report, into
    /// <paramref name="baselineFingerprints"/>. Serializing both sides as strings for every policy was 42 of the 52 MiB
    /// a main.json tournament allocated outside its simulations (docs/benchmarks.md, "Issue 16, sixth round").
    /// </summary>
    private static bool IdenticalRuns(IReadOnlyList<RunResult> runs, IReadOnlyList<RunResult> baselineRuns, byte[]?[] baselineFingerprints)
    {
        if (runs.Count != baselineRuns.Count)
        {
            return false;
        }

        for (var i = 0; i < runs.Count; i++)
        {
            if (!RunFingerprint.SameCounters(runs[i], baselineRuns[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < runs.Count; i++)
        {
            if (!RunFingerprint.Of(runs[i]).AsSpan().SequenceEqual(baselineFingerprints[i] ??= RunFingerprint.Of(baselineRuns[i])))
            {
                return false;
            }
        }

        return true;
    }

    private static SortedDictionary<string, DecisionCount> SumDecisions(IReadOnlyList<RunResult> runs)
    {
        var sums = new SortedDictionary<string, DecisionCount>(StringComparer.Ordinal);
        foreach (var (point, count) in runs.SelectMany(r => r.Decisions))
        {
            sums[point] = sums.TryGetValue(point, out var s) ? new DecisionCount(s.Calls + count.Calls, s.Changed + count.Changed) : count;
        }

        return sums;
    }

    private static List<string> Pareto(IReadOnlyList<PolicySummary> summaries)
    {
        var candidates = summaries.Where(s => !s.Disqualified).ToArray();
        var objectives = MetricCatalog.ParetoObjectives.Select(id => MetricCatalog.Find(id)!).ToArray();
        var points = candidates
            .Select(s => (IReadOnlyList<double>)objectives.Select(o => s.Metrics.Single(m => m.Metric == o.Id).Mean).ToArray())
            .ToArray();
        var front = ParetoFront.Compute(points, objectives.Select(o => o.LowerIsBetter).ToArray());
        return front.Select(i => candidates[i].Policy).ToList();
    }

    private static IEnumerable<string> SampleSizeWarnings(ComparisonInput input)
    {
        var counts = input.Policies.Select(p => p.Runs.Count).Distinct().ToArray();
        if (counts.Length > 1)
        {
            yield return $"policies have different numbers of runs ({string.Join(", ", input.Policies.Select(p => $"{p.Policy}: {p.Runs.Count}"))})";
        }

        var n = input.Policies.Min(p => p.Runs.Count);
        var baselineRuns = input.Policies.First(p => p.Policy == input.Baseline).Runs.Count;
        var minP = MannWhitney.MinimumPValue(n, baselineRuns);
        if (input.Policies.Count > 1 && minP >= Alpha)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"with {n} against {baselineRuns} replications the smallest attainable p-value is {minP:G3} ≥ {Alpha}: no difference can be called significant; use at least 4 replications");
        }
    }
}
