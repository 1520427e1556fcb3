namespace NetnsPolicy.Tournaments.Definition;

/// <summary>A pass/fail rule evaluated per policy entry and track.</summary>
/// <param name="Name">Display name (defaults to the kind, plus the metric for regressions).</param>
/// <param name="Kind">no-disqualified, max-regression or must-act (<see cref="GateKinds"/>).</param>
/// <param name="Metric">For max-regression: the metric id.</param>
/// <param name="MaxPercent">For max-regression: the largest tolerated regression against the baseline, in percent.</param>
/// <param name="RequireSignificance">For max-regression: fail only when the Mann–Whitney verdict is also "worse".</param>
/// <param name="Tracks">The tracks it applies to: null for all.</param>
/// <param name="Entries">The entries it applies to: null for all (the baseline only for no-disqualified).</param>
public sealed record GateSpec(string Name, string Kind, string? Metric, double MaxPercent, bool RequireSignificance, IReadOnlyList<string>? Tracks, IReadOnlyList<string>? Entries);
