namespace NetnsPolicy.Service.Tournaments;

/// <summary>A tournament as the service shows it at one moment; once finished with its results and artifacts.</summary>
/// <param name="Id">Service-assigned id.</param>
/// <param name="Name">The file's name.</param>
/// <param name="State">Where it is.</param>
/// <param name="StatusDetail">Why it failed or was cancelled, or that a gate failed.</param>
/// <param name="CreatedAt">Accepted.</param>
/// <param name="FinishedAt">Ended.</param>
/// <param name="SimulationsDone">Simulations finished.</param>
/// <param name="SimulationsTotal">Simulations planned.</param>
internal sealed record TournamentSnapshot(
    string Id,
    string Name,
    TournamentState State,
    string StatusDetail,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    int SimulationsDone,
    int SimulationsTotal)
{
    /// <summary>The time budget ran out before every simulation ran.</summary>
    public bool BudgetExhausted { get; init; }

    /// <summary>The ranking, best first.</summary>
    public IReadOnlyList<TournamentStanding> Ranking { get; init; } = [];

    /// <summary>Every gate's outcome.</summary>
    public IReadOnlyList<TournamentGateOutcome> Gates { get; init; } = [];

    /// <summary>The Markdown artifact (empty until finished with results, and in listings).</summary>
    public string Markdown { get; init; } = "";

    /// <summary>The JSON artifact.</summary>
    public string Json { get; init; } = "";

    /// <summary>The JUnit XML artifact.</summary>
    public string JunitXml { get; init; } = "";

    /// <summary>The HTML artifact.</summary>
    public string Html { get; init; } = "";

    /// <summary>The snapshot without its artifacts (for listings).</summary>
    public TournamentSnapshot WithoutArtifacts() => this with { Markdown = "", Json = "", JunitXml = "", Html = "" };
}
