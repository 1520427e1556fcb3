using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>A metric a report compares: how to read it from a run, its unit and its direction.</summary>
/// <param name="Id">Stable snake_case id used in reports, tournaments and gates.</param>
/// <param name="Unit">Display unit.</param>
/// <param name="LowerIsBetter">Direction of improvement.</param>
/// <param name="IsCount">True for event counts, which are often zero: scoring adds one before dividing.</param>
/// <param name="Description">One line for readers.</param>
/// <param name="Read">Reads the value from one run.</param>
/// <param name="Resolution">Smallest difference the metric can show, in its unit: the floor of its practical threshold.</param>
/// <param name="Measured">Whether a run measured the metric at all (a latency needs one operation); null: always.</param>
public sealed record MetricDefinition(string Id, string Unit, bool LowerIsBetter, bool IsCount, string Description, Func<RunResult, double> Read, double Resolution = 0, Func<RunResult, bool>? Measured = null)
{
    /// <summary>True when the run measured the metric.</summary>
    public bool IsMeasuredIn(RunResult run) => Measured?.Invoke(run) ?? true;
}
