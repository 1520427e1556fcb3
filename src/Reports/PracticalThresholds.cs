using NetnsPolicy.Simulation;

namespace NetnsPolicy.Reports;

/// <summary>
/// The smallest difference from the baseline that counts as an effect: per metric, the larger of a share of the
/// baseline's mean (<see cref="Relative"/>, 2% unless configured) and the metric's resolution. A significant
/// difference below it is not called better or worse.
/// </summary>
public sealed record PracticalThresholds
{
    /// <summary>The default relative threshold: 2% of the baseline's mean.</summary>
    public const double DefaultRelative = 0.02;

    public static PracticalThresholds Default { get; } = new();

    /// <summary>Relative threshold of every metric without its own.</summary>
    public double Relative { get; init; } = DefaultRelative;

    /// <summary>Relative thresholds by metric id.</summary>
    public IReadOnlyDictionary<string, double> PerMetric { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The relative threshold of a metric.</summary>
    public double RelativeFor(string metricId) => PerMetric.TryGetValue(metricId, out var v) ? v : Relative;

    /// <summary>The threshold in the metric's unit against a baseline mean.</summary>
    public double AbsoluteFor(MetricDefinition metric, double baselineMean)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Math.Max(RelativeFor(metric.Id) * Math.Abs(baselineMean), metric.Resolution);
    }

    /// <summary>
    /// Thresholds from command-line specs: "0.05" sets the default, "teardown_seconds=0.01" one metric's (fractions of
    /// the baseline's mean).
    /// </summary>
    /// <exception cref="InputValidationException">A spec is not a fraction in [0, 1) or names an unknown metric; <paramref name="field"/> names the option.</exception>
    public static PracticalThresholds Parse(IEnumerable<string> specs, string field)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var relative = DefaultRelative;
        var perMetric = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            var text = eq < 0 ? spec : spec[(eq + 1)..];
            if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                errors.Add(new FieldError(field, $"'{spec}' is not a fraction or METRIC=FRACTION (e.g. 0.05 or teardown_seconds=0.01)"));
            }
            else if (eq < 0)
            {
                relative = value;
            }
            else
            {
                perMetric[spec[..eq]] = value;
            }
        }

        var thresholds = new PracticalThresholds { Relative = relative, PerMetric = perMetric };
        errors.AddRange(thresholds.Validate(field));
        return errors.Count > 0 ? throw new InputValidationException(errors) : thresholds;
    }

    /// <summary>Field errors for thresholds outside [0, 1) or naming unknown metrics; <paramref name="path"/> prefixes the field names.</summary>
    public IReadOnlyList<FieldError> Validate(string path)
    {
        var errors = new List<FieldError>();
        if (!(Relative >= 0 && Relative < 1))
        {
            errors.Add(new FieldError(path, $"{Relative} is not a fraction in [0, 1) (0.02 means 2%)"));
        }

        foreach (var (id, v) in PerMetric)
        {
            if (MetricCatalog.Find(id) is null)
            {
                errors.Add(new FieldError($"{path}.{id}", $"unknown metric '{id}'{Suggest.Closest(id, MetricCatalog.All.Select(m => m.Id))}"));
            }
            else if (!(v >= 0 && v < 1))
            {
                errors.Add(new FieldError($"{path}.{id}", $"{v} is not a fraction in [0, 1) (0.02 means 2%)"));
            }
        }

        return errors;
    }
}
