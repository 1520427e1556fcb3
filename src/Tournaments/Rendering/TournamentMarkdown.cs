using System.Globalization;
using System.Text;
using NetnsPolicy.Reports.Rendering;

namespace NetnsPolicy.Tournaments.Rendering;

/// <summary>The tournament summary in GitHub-flavoured Markdown (a CI job summary).</summary>
internal static class TournamentMarkdown
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Write(TournamentResult result)
    {
        var md = new StringBuilder();
        var failed = result.Gates.Count(g => g.Status == GateStatus.Fail);
        md.Append(C, $"# Tournament {MarkdownWriter.Escape(result.Name)}: {(result.AnyGateFailed ? $"❌ {failed} gate check(s) failed" : "✅ all gates passed")}\n\n");
        if (result.Description.Length > 0)
        {
            md.Append(MarkdownWriter.Escape(result.Description)).Append("\n\n");
        }

        md.Append(C, $"Baseline **{MarkdownWriter.Escape(result.Baseline)}**; scored metrics {string.Join(", ", result.Metrics.Select(m => $"`{m}`"))}; {result.RunsCompleted}/{result.RunsPlanned} runs.\n");
        md.Append("Score = geometric mean over tracks of the per-track geometric mean of baseline-normalised metrics (lower is better; the baseline scores 1.00).\n\n");
        foreach (var w in result.Warnings)
        {
            md.Append("> ⚠️ ").Append(MarkdownWriter.Escape(w)).Append('\n');
        }

        if (result.Warnings.Count > 0)
        {
            md.Append('\n');
        }

        var scored = result.Tracks.Where(t => !t.HeldOut).ToArray();
        md.Append("## Ranking\n\n");
        WriteRanking(md, result.Ranking, scored, withStability: true);
        md.Append(result.Stability.Winner is { } winner
            ? string.Create(C, $"Winner **{MarkdownWriter.Escape(winner)}**: keeps first place in {Format.Percent(result.Stability.WinnerStability * 100)} of {result.Stability.Resamples} bootstrap resamples of the replications (the winner changes in {Format.Percent(result.Stability.WinnerChangeRate * 100)}).\n\n")
            : "No entry is ranked: every one is disqualified or lacks a score on some track.\n\n");
        foreach (var line in RankingTable.WinnerLines(result))
        {
            md.Append("- ").Append(MarkdownWriter.Escape(line)).Append('\n');
        }

        md.Append('\n');
        if (result.HeldOutRanking.Count > 0)
        {
            md.Append("## Held-out tracks\n\n");
            WriteRanking(md, result.HeldOutRanking, result.Tracks.Where(t => t.HeldOut).ToArray(), withStability: false);
        }

        WriteGates(md, result);
        foreach (var track in result.Tracks.Where(t => t.Report is not null))
        {
            md.Append(C, $"## Track {MarkdownWriter.Escape(track.Name)}{(track.HeldOut ? " (held out)" : "")}: {MarkdownWriter.Escape(track.Workload)} on {MarkdownWriter.Escape(track.KernelProfile)}, seed {track.Seed}\n\n");
            MarkdownWriter.WriteSummary(md, track.Report!);
            foreach (var w in track.Report!.Warnings)
            {
                md.Append("> ⚠️ ").Append(MarkdownWriter.Escape(w)).Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    private static void WriteRanking(StringBuilder md, IReadOnlyList<RankingRow> rows, IReadOnlyList<TrackResult> tracks, bool withStability)
    {
        var table = RankingTable.Build(rows, tracks, withStability);
        md.Append("| ").AppendJoin(" | ", table.Header.Select(MarkdownWriter.Escape)).Append(" |\n|");
        for (var i = 0; i < table.Header.Count; i++)
        {
            md.Append(i == 1 || i == table.Header.Count - 1 ? "---|" : "---:|");
        }

        md.Append('\n');
        foreach (var (cells, _, _) in table.Rows)
        {
            md.Append("| ").AppendJoin(" | ", cells.Select(MarkdownWriter.Escape)).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void WriteGates(StringBuilder md, TournamentResult result)
    {
        md.Append("## Gates\n\n| Gate | Passed | Failed | Skipped |\n|---|---:|---:|---:|\n");
        foreach (var g in result.Gates.GroupBy(g => g.Gate))
        {
            md.Append(C, $"| {MarkdownWriter.Escape(g.Key)} | {g.Count(x => x.Status == GateStatus.Pass)} | {g.Count(x => x.Status == GateStatus.Fail)} | {g.Count(x => x.Status == GateStatus.Skipped)} |\n");
        }

        md.Append('\n');
        var failures = result.Gates.Where(g => g.Status == GateStatus.Fail).ToArray();
        if (failures.Length > 0)
        {
            md.Append("| Failed gate | Policy | Track | Why |\n|---|---|---|---|\n");
            foreach (var f in failures)
            {
                md.Append(C, $"| {MarkdownWriter.Escape(f.Gate)} | {MarkdownWriter.Escape(f.Entry)} | {MarkdownWriter.Escape(f.Track)} | {MarkdownWriter.Escape(f.Message)} |\n");
            }

            md.Append('\n');
        }
    }
}
