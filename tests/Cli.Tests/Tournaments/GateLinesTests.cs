using NetnsPolicy.Cli.Tournaments;
using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Tests.Tournaments;

public sealed class GateLinesTests
{
    [Test]
    public void Format_EachStatus_TaggedForTheCiCounter()
    {
        var result = new TournamentResult
        {
            Gates =
            [
                new GateOutcome { Gate = "no-disqualified", Entry = "batching", Track = "seed", Status = GateStatus.Pass, Message = "4 runs ok" },
                new GateOutcome { Gate = "max-regression", Entry = "adaptive", Track = "churn", Status = GateStatus.Fail, Message = "worse by 9%\nlimit 5%" },
                new GateOutcome { Gate = "must-act", Entry = "rwsem", Track = "seed", Status = GateStatus.Skipped, Message = "no runs" },
            ],
        };

        var lines = GateLines.Format(result).ToList();

        Assert.That(lines, Is.EqualTo(new[]
        {
            "GATE-PASS no-disqualified: batching on seed: 4 runs ok",
            "GATE-FAIL max-regression: adaptive on churn: worse by 9% limit 5%",
            "GATE-SKIP must-act: rwsem on seed: no runs",
        }));
    }
}
