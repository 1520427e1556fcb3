using NetnsPolicy.Tournaments;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>One line per gate result, <c>GATE-PASS</c> / <c>GATE-FAIL</c> / <c>GATE-SKIP</c> first, for CI log counters (.ci/run).</summary>
internal static class GateLines
{
    public static IEnumerable<string> Format(TournamentResult result) =>
        result.Gates.Select(g =>
        {
            var tag = g.Status switch
            {
                GateStatus.Pass => "GATE-PASS",
                GateStatus.Fail => "GATE-FAIL",
                _ => "GATE-SKIP",
            };
            var where = g.Track.Length > 0 ? $" on {g.Track}" : "";
            return $"{tag} {g.Gate}: {g.Entry}{where}: {OneLine(g.Message)}";
        });

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
