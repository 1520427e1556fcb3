using NetnsPolicy.Reports;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Scoring;

namespace NetnsPolicy.Tournaments.Tests.Rendering;

/// <summary>A scored tournament with a held-out track, a sweep-like name and one failing gate.</summary>
public static class SampleResults
{
    public static TournamentResult WithFailingGate()
    {
        GateSpec[] gates =
        [
            new("no-disqualified", GateKinds.NoDisqualified, null, 0, false, null, null),
            new("p99 within 5%", GateKinds.MaxRegression, MetricCatalog.CreationLatencyP99, 5, false, null, null),
        ];
        var t = Synthetic.Tournament(["upstream", "batching[batch_size=8]", "slow & <odd>"], ["seed", "churn", "vsftpd"], replications: 4, heldOut: ["vsftpd"], gates: gates);
        return TournamentScorer.Score(t, Synthetic.Runs(t, (e, track) => e switch
        {
            "batching[batch_size=8]" => track == "churn" ? 0.9 : 0.6,
            "slow & <odd>" => 1.2,
            _ => 1.0,
        }, noise: 0.02));
    }
}
