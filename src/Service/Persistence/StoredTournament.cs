using NetnsPolicy.Service.Tournaments;

namespace NetnsPolicy.Service.Persistence;

/// <summary>A tournament as stored: its definition (the file's text) and where it is; results live in the results table.</summary>
/// <param name="Id">Service-assigned id.</param>
/// <param name="Name">The file's name.</param>
/// <param name="Owner">Who started it (<c>key:PRINCIPAL</c> or <c>peer:…</c>).</param>
/// <param name="State">Where it is (stored by name: <c>running</c>, <c>passed</c>, <c>gate-failed</c>, <c>failed</c>, <c>cancelled</c>).</param>
/// <param name="StatusDetail">Why it failed or was cancelled.</param>
/// <param name="Definition">The tournament file's JSON text.</param>
/// <param name="TimeBudget">The request's time budget.</param>
/// <param name="SimulationsTotal">Simulations planned.</param>
/// <param name="CreatedAt">Accepted.</param>
/// <param name="FinishedAt">Ended.</param>
internal sealed record StoredTournament(
    string Id,
    string Name,
    string Owner,
    TournamentState State,
    string StatusDetail,
    string Definition,
    TimeSpan? TimeBudget,
    int SimulationsTotal,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
