using Google.Protobuf.WellKnownTypes;
using NetnsPolicy.Service.Tournaments;
using V1 = NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Api;

/// <summary>The one mapping of the service's tournament records to the API's messages.</summary>
internal static class TournamentMapping
{
    public static V1.Tournament ToMessage(TournamentSnapshot t)
    {
        var message = new V1.Tournament
        {
            Id = t.Id,
            Name = t.Name,
            State = ToMessage(t.State),
            StatusDetail = t.StatusDetail,
            CreatedAt = Timestamp.FromDateTimeOffset(t.CreatedAt),
            SimulationsDone = t.SimulationsDone,
            SimulationsTotal = t.SimulationsTotal,
            BudgetExhausted = t.BudgetExhausted,
            Markdown = t.Markdown,
            Json = t.Json,
            JunitXml = t.JunitXml,
            Html = t.Html,
        };
        if (t.FinishedAt is { } f)
        {
            message.FinishedAt = Timestamp.FromDateTimeOffset(f);
        }

        message.Ranking.Add(t.Ranking.Select(r => new V1.TournamentStanding
        {
            Rank = r.Rank,
            Contender = r.Contender,
            Score = r.Score,
            Stability = r.Stability,
            HeldOutScore = r.HeldOutScore,
            Disqualified = r.Disqualified,
            Note = r.Note,
        }));
        message.Gates.Add(t.Gates.Select(g => new V1.GateResult
        {
            Gate = g.Gate,
            Contender = g.Contender,
            Track = g.Track,
            Passed = g.Passed,
            Status = g.Status,
            Detail = g.Detail,
        }));
        return message;
    }

    public static V1.TournamentProgress ToMessage(TournamentProgressUpdate p) => new()
    {
        TournamentId = p.TournamentId,
        State = ToMessage(p.State),
        SimulationsDone = p.SimulationsDone,
        SimulationsTotal = p.SimulationsTotal,
        FractionDone = p.FractionDone,
        Eta = p.Eta is { } eta ? Duration.FromTimeSpan(eta) : null,
        FinalTournament = p.FinalTournament is { } final ? ToMessage(final) : null,
    };

    private static V1.TournamentState ToMessage(TournamentState state) => state switch
    {
        TournamentState.Running => V1.TournamentState.Running,
        TournamentState.Passed => V1.TournamentState.Passed,
        TournamentState.GateFailed => V1.TournamentState.GateFailed,
        TournamentState.Cancelled => V1.TournamentState.Cancelled,
        _ => V1.TournamentState.Failed,
    };
}
