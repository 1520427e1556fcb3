using System.Globalization;
using System.Text;
using NetnsPolicy.Reports.Rendering;

namespace NetnsPolicy.Tournaments.Rendering;

/// <summary>A self-contained HTML page: ranking, score and stability plots, gates, then every track's full report.</summary>
internal static class TournamentHtml
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Write(TournamentResult result)
    {
        var page = new HtmlPage($"NetnsPolicy tournament {result.Name}");
        var b = page.Body;
        var failed = result.Gates.Count(g => g.Status == GateStatus.Fail);
        b.Append(C, $"<h1>Tournament {HtmlPage.Encode(result.Name)}: <span class=\"{(result.AnyGateFailed ? "fail" : "pass")}\">{(result.AnyGateFailed ? $"{failed} gate check(s) failed" : "all gates passed")}</span></h1>\n");
        b.Append(C, $"<p>{HtmlPage.Encode(result.Description)}</p>\n<p>Baseline <b>{HtmlPage.Encode(result.Baseline)}</b>; scored metrics {HtmlPage.Encode(string.Join(", ", result.Metrics))}; {result.RunsCompleted}/{result.RunsPlanned} runs. Score: geometric mean over tracks of the per-track geometric mean of baseline-normalised metrics (lower is better, baseline = 1).</p>\n");
        foreach (var w in result.Warnings)
        {
            b.Append("<div class=\"warn\">").Append(HtmlPage.Encode(w)).Append("</div>\n");
        }

        var scored = result.Tracks.Where(t => !t.HeldOut).ToArray();
        b.Append("<h2>Ranking</h2>\n");
        WriteRanking(b, result.Ranking, scored, withStability: true);
        b.Append(result.Stability.Winner is { } winner
            ? string.Create(C, $"<p>Winner <b>{HtmlPage.Encode(winner)}</b> keeps first place in {Format.Percent(result.Stability.WinnerStability * 100)} of {result.Stability.Resamples} bootstrap resamples.</p>\n")
            : "<p>No entry is ranked: every one is disqualified or lacks a score on some track.</p>\n");
        b.Append("<ul>\n");
        foreach (var line in RankingTable.WinnerLines(result))
        {
            b.Append("<li>").Append(HtmlPage.Encode(line)).Append("</li>\n");
        }

        b.Append("</ul>\n");
        if (result.HeldOutRanking.Count > 0)
        {
            b.Append("<h2>Held-out tracks</h2>\n");
            WriteRanking(b, result.HeldOutRanking, result.Tracks.Where(t => t.HeldOut).ToArray(), withStability: false);
        }

        b.Append("<div class=\"plots\">\n");
        var entries = result.Entries;
        var trackNames = result.Tracks.Select(t => t.Name + (t.HeldOut ? " (held out)" : "")).ToArray();
        var scores = entries.Select(e => result.Tracks.Select(t => t.Scores.FirstOrDefault(s => s.Entry == e)?.Score ?? double.NaN).ToArray()).ToArray();
        page.AddPlot(PlotFactory.GroupedBars("Track scores (lower is better)", "score vs baseline", trackNames, entries, scores, referenceLine: 1.0, ratioScale: true), "track scores");
        var winShares = entries.Select(e => new[] { result.Ranking.FirstOrDefault(r => r.Entry == e)?.WinShare ?? 0 }).ToArray();
        page.AddPlot(PlotFactory.GroupedBars("Bootstrap win share (scored tracks)", "share of resamples won", ["wins"], entries, winShares), "win share");
        b.Append("</div>\n");

        WriteGates(b, result);
        // Each track's full report (most of the page's work: its plots) is rendered on a page of its own, the tracks in
        // parallel, and appended in track order with its plots renumbered: the same bytes as rendering them in turn.
        var tracks = result.Tracks.Where(t => t.Report is not null).ToArray();
        var sections = new HtmlPage[tracks.Length];
        Parallel.For(0, tracks.Length, i =>
        {
            var section = new HtmlPage(page.Title);
            section.Body.Append(C, $"<h2>Track {HtmlPage.Encode(tracks[i].Name)}{(tracks[i].HeldOut ? " (held out)" : "")}</h2>\n");
            HtmlReportWriter.Write(section, tracks[i].Report!, headingLevel: 3);
            sections[i] = section;
        });
        foreach (var section in sections)
        {
            page.Append(section);
        }

        return page.Render();
    }

    private static void WriteRanking(StringBuilder b, IReadOnlyList<RankingRow> rows, IReadOnlyList<TrackResult> tracks, bool withStability)
    {
        var table = RankingTable.Build(rows, tracks, withStability);
        b.Append("<table class=\"ranking\"><tr>");
        foreach (var h in table.Header)
        {
            b.Append("<th>").Append(HtmlPage.Encode(h)).Append("</th>");
        }

        b.Append("</tr>\n");
        foreach (var (cells, isBaseline, disqualified) in table.Rows)
        {
            b.Append("<tr class=\"").Append(disqualified ? "dq" : isBaseline ? "baseline" : "").Append("\">");
            foreach (var cell in cells)
            {
                b.Append("<td>").Append(HtmlPage.Encode(cell)).Append("</td>");
            }

            b.Append("</tr>\n");
        }

        b.Append("</table>\n");
    }

    private static void WriteGates(StringBuilder b, TournamentResult result)
    {
        b.Append("<h2>Gates</h2>\n<table class=\"gates\"><tr><th>Gate</th><th>Policy</th><th>Track</th><th>Status</th><th>Detail</th></tr>\n");
        foreach (var g in result.Gates)
        {
            var cls = g.Status == GateStatus.Fail ? "fail" : g.Status == GateStatus.Pass ? "pass" : "nsd";
            b.Append(C, $"<tr><td>{HtmlPage.Encode(g.Gate)}</td><td>{HtmlPage.Encode(g.Entry)}</td><td>{HtmlPage.Encode(g.Track)}</td><td class=\"{cls}\">{g.Status}</td><td class=\"wrap\">{HtmlPage.Encode(g.Message)}</td></tr>\n");
        }

        b.Append("</table>\n");
    }
}
