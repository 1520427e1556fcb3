using System.Globalization;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.Tournaments;
using Spectre.Console;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>Prints a tournament's ranking: a Spectre table on a terminal, aligned plain text otherwise.</summary>
internal static class RankingView
{
    public static async Task WriteAsync(CliConsole console, TournamentResult result)
    {
        var c = CultureInfo.InvariantCulture;
        string[] header = ["rank", "policy", "score", "wins", "mean rank", "note"];
        var rows = result.Ranking.Select(r => new[]
        {
            r.Rank?.ToString(c) ?? "–",
            r.Entry + (r.IsBaseline ? " (baseline)" : ""),
            r.Score?.ToString("F3", c) ?? "–",
            r.Rank is null ? "–" : (r.WinShare * 100).ToString("F0", c) + "%",
            r.Rank is null ? "–" : r.MeanRank.ToString("F2", c),
            r.NoteWithFlags(),
        }).ToList();
        var title = $"Ranking of {result.Name} (score: geometric mean of baseline-normalised metrics, lower is better; winner stable in {result.Stability.WinnerStability * 100:F0}% of {result.Stability.Resamples} resamples)";
        if (console.Interactive)
        {
            var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
            foreach (var h in header)
            {
                table.AddColumn(h);
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
            terminal.Write(table);
            return;
        }

        await console.Out.WriteLineAsync(title).ConfigureAwait(false);
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        await console.Out.WriteLineAsync(Line(header, widths)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await console.Out.WriteLineAsync(Line(row, widths)).ConfigureAwait(false);
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => i == cells.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();
}
