namespace NetnsPolicy.Tournaments.Definition;

/// <summary>The gate kinds a tournament file may name.</summary>
public static class GateKinds
{
    /// <summary>Fails when any run of the entry on the track broke an oracle or ended with a non-ok status.</summary>
    public const string NoDisqualified = "no-disqualified";

    /// <summary>Fails when the entry's mean is worse than the baseline's by more than <see cref="GateSpec.MaxPercent"/>.</summary>
    public const string MaxRegression = "max-regression";

    /// <summary>Fails when the entry never changed a kernel decision, or its results equal the baseline's bit for bit.</summary>
    public const string MustAct = "must-act";

    public static IReadOnlyList<string> All { get; } = [NoDisqualified, MaxRegression, MustAct];
}
