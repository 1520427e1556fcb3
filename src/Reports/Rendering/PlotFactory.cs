using NetnsPolicy.Simulation.Metrics;
using ScottPlot;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>The report's plots, drawn with ScottPlot 5 and returned as standalone SVG documents.</summary>
public static class PlotFactory
{
    /// <summary>Rendered width; pages scale plots to their column (see <see cref="HtmlPage"/>).</summary>
    public const int Width = 1100;

    /// <summary>Ratios spanning more than this factor are drawn on a log axis.</summary>
    public const double LogScaleSpan = 4;

    /// <summary>The font plots are measured with; pages show them in their own font stack (<see cref="HtmlPage.FontStack"/>).</summary>
    public const string MeasureFont = "DejaVu Sans";

    /// <summary>Latencies below this (zero, in practice) are drawn at it on log axes.</summary>
    public const double MinLatencyMs = 1e-3;
    public const int Height = 420;

    /// <summary>
    /// A latency CDF, one line per policy, on a logarithmic latency axis: creation latencies span microseconds (an
    /// uncontended setup_net) to seconds (waiting out a whole cleanup batch), and a linear axis hides everything but
    /// the tail.
    /// </summary>
    public static string LatencyCdf(string title, IReadOnlyList<PolicySummary> policies, Func<RunSeries, IReadOnlyList<double[]>> cdf)
    {
        var plot = NewPlot(title, "latency (ms, log scale)", "fraction of operations");
        var lowest = double.PositiveInfinity;
        var highest = double.NegativeInfinity;
        for (var i = 0; i < policies.Count; i++)
        {
            var points = policies[i].Series is { } s ? cdf(s) : [];
            var xs = points.Select(p => Math.Log10(Math.Max(p[0], MinLatencyMs))).ToArray();
            if (xs.Length > 0)
            {
                lowest = Math.Min(lowest, xs.Min());
                highest = Math.Max(highest, xs.Max());
            }

            AddLine(plot, xs, points.Select(p => p[1]).ToArray(), policies[i], i);
        }

        if (double.IsFinite(lowest))
        {
            var decades = Enumerable.Range((int)Math.Floor(lowest), (int)Math.Ceiling(highest) - (int)Math.Floor(lowest) + 1).Select(k => (double)k).ToArray();
            plot.Axes.Bottom.SetTicks(decades, decades.Select(k => Math.Pow(10, k).ToString("G", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }

        plot.Axes.SetLimitsY(0, 1.02);
        return Finish(plot, legend: true);
    }

    /// <summary>A sampled time series (backlog, memory), one line per policy.</summary>
    public static string TimeSeries(string title, string yLabel, IReadOnlyList<PolicySummary> policies, Func<RunSeries, int, double> value)
    {
        var plot = NewPlot(title, "simulated time (ms)", yLabel);
        for (var i = 0; i < policies.Count; i++)
        {
            var s = policies[i].Series;
            var xs = s?.TimeMs.ToArray() ?? [];
            var ys = s is null ? [] : Enumerable.Range(0, xs.Length).Select(k => value(s, k)).ToArray();
            var (px, py) = ToPixelColumns(xs, ys, LineBuckets);
            AddLine(plot, px, py, policies[i], i);
        }

        return Finish(plot, legend: true);
    }

    /// <summary>
    /// Intervals on one row per policy: the cleanup batches' setup-lock holds ([start, hold end]) or the grace
    /// periods ([start, end], coloured by kind when <paramref name="kindColumn"/> is given).
    /// </summary>
    public static string Timeline(string title, IReadOnlyList<PolicySummary> policies, Func<RunSeries, IReadOnlyList<double[]>> intervals, int? kindColumn, IReadOnlyList<string>? kindNames = null, string markMeaning = "interval")
    {
        ArgumentNullException.ThrowIfNull(policies);
        var plot = NewPlot(title, "simulated time (ms)", "");
        var kinds = new SortedSet<int>();
        var all = policies.Select(p => p.Series is { } s ? intervals(s) : []).ToArray();
        var span = all.SelectMany(r => r).Select(r => Math.Max(r[0], r[1])).DefaultIfEmpty(0).Max();

        // Marks narrower than a pixel vanish when drawn: intervals are merged to the plot's pixel grid first.
        var cell = span / Width;
        for (var i = 0; i < policies.Count; i++)
        {
            var rows = SeriesAggregation.MergeIntervals(all[i], 0, cell, kindColumn, sumColumn: null);
            var bars = rows.Select(r =>
            {
                var kind = kindColumn is { } k && r.Length > k ? (int)r[k] : -1;
                kinds.Add(kind);
                return new Bar
                {
                    Position = i,
                    ValueBase = r[0],
                    Value = Math.Max(r[1], r[0]),
                    Size = 0.7,
                    FillColor = kind < 0 ? Palette.Color(i) : KindColor(kind),
                    LineWidth = 0,
                };
            }).ToList();
            if (bars.Count > 0)
            {
                var barPlot = plot.Add.Bars(bars);
                barPlot.Horizontal = true;
            }
        }

        plot.Axes.Left.SetTicks(Enumerable.Range(0, policies.Count).Select(i => (double)i).ToArray(), policies.Select(SeriesLabel).ToArray());
        plot.Axes.SetLimitsY(-0.6, policies.Count - 0.4);
        plot.Legend.ManualItems.Clear();
        if (kindColumn is not null && kindNames is not null)
        {
            foreach (var kind in kinds.Where(k => k >= 0 && k < kindNames.Count))
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = kindNames[kind] + " " + markMeaning, FillColor = KindColor(kind) });
            }
        }
        else
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = markMeaning + " (row colour: policy)", FillColor = Colors.Gray });
        }

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "marks merged to pixels", FillColor = Colors.White, OutlineColor = Colors.White });
        return Finish(plot, legend: all.Any(r => r.Count > 0));
    }

    /// <summary>Grouped horizontal bars: one group per category, one bar per series (policy).</summary>
    /// <param name="title">Plot title.</param>
    /// <param name="valueLabel">Label of the value axis.</param>
    /// <param name="categories">Group labels.</param>
    /// <param name="series">Series names, coloured by index like every other plot.</param>
    /// <param name="values">Per series, one value per category (non-finite values draw as 0).</param>
    /// <param name="referenceLine">Optional dashed line, e.g. at ratio 1.</param>
    /// <param name="ratioScale">Values are ratios: bars grow from 1, on a log axis when they span more than <see cref="LogScaleSpan"/>×.</param>
    public static string GroupedBars(string title, string valueLabel, IReadOnlyList<string> categories, IReadOnlyList<string> series, IReadOnlyList<double[]> values, double? referenceLine = null, bool ratioScale = false)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(values);
        var positive = values.SelectMany(v => v).Where(v => double.IsFinite(v) && v > 0).ToArray();
        var log = ratioScale && positive.Length > 0 && positive.Max() / positive.Min() > LogScaleSpan;
        double Transform(double v) => !double.IsFinite(v) ? (log ? 0 : ratioScale ? 1 : 0) : log ? (v > 0 ? Math.Log10(v) : 0) : v;
        var plot = NewPlot(title, log ? valueLabel + " (log scale)" : valueLabel, "");
        var group = series.Count + 1;
        for (var i = 0; i < series.Count; i++)
        {
            var bars = categories.Select((_, c) => new Bar
            {
                Position = c * group + i,
                ValueBase = ratioScale && !log ? 1 : 0,
                Value = Transform(values[i][c]),
                FillColor = Palette.Color(i),
                LineWidth = 0,
            }).ToList();
            var barPlot = plot.Add.Bars(bars);
            barPlot.Horizontal = true;
            barPlot.LegendText = series[i];
        }

        if (referenceLine is { } x)
        {
            var line = plot.Add.VerticalLine(log ? Math.Log10(x) : x);
            line.Color = Colors.Black;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "reference: " + x.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (log)
        {
            var lo = Math.Floor(Math.Log2(positive.Min()));
            var hi = Math.Ceiling(Math.Log2(positive.Max()));
            var step = Math.Max(1, Math.Ceiling((hi - lo) / 10));
            var ticks = new List<double>();
            for (var k = lo; k <= hi; k += step)
            {
                ticks.Add(k);
            }

            plot.Axes.Bottom.SetTicks(ticks.Select(k => k * Math.Log10(2)).ToArray(), ticks.Select(k => Math.Pow(2, k).ToString("G3", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }

        plot.Axes.Left.SetTicks(categories.Select((_, c) => c * group + (series.Count - 1) / 2.0).ToArray(), categories.ToArray());
        plot.Axes.Left.TickLabelStyle.FontSize = 11;
        plot.Axes.InvertY();
        return Finish(plot, legend: true, height: Math.Max(Height, 40 + categories.Count * (12 * series.Count + 14)));
    }

    /// <summary>Columns a sampled line is reduced to: each keeps its lowest and highest sample, in time order.</summary>
    public const int LineBuckets = 400;

    /// <summary>Per column of the x range, the lowest and highest point in x order: a line drawn through them looks the same at that width.</summary>
    public static (double[] Xs, double[] Ys) ToPixelColumns(double[] xs, double[] ys, int columns)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Length <= 2 * columns)
        {
            return (xs, ys);
        }

        var lo = xs.Min();
        var width = (xs.Max() - lo) / columns;
        var kept = new SortedSet<int> { 0, xs.Length - 1 };
        foreach (var column in Enumerable.Range(0, xs.Length).GroupBy(k => width > 0 ? (long)((xs[k] - lo) / width) : 0))
        {
            kept.Add(column.MinBy(k => ys[k]));
            kept.Add(column.MaxBy(k => ys[k]));
        }

        return (kept.Select(k => xs[k]).ToArray(), kept.Select(k => ys[k]).ToArray());
    }

    private static ScottPlot.Color KindColor(int kind) => kind == 0 ? Palette.Color(0) : Palette.Color(1);

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(MeasureFont);
        plot.Title(title, 15);
        plot.XLabel(xLabel, 12);
        if (yLabel.Length > 0)
        {
            plot.YLabel(yLabel, 12);
        }

        return plot;
    }

    /// <summary>A policy's name in legends and axes: its label, marked when its results equal the baseline's bit for bit.</summary>
    public static string SeriesLabel(PolicySummary policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PolicyNames.Label(policy) + (policy.IdenticalToBaseline ? " (= baseline, identical)" : "");
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, PolicySummary policy, int index)
    {
        if (xs.Length == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = SeriesLabel(policy);
        line.Color = Palette.Color(index);
        // A series identical to the baseline's is drawn thin over the baseline's wider line, so both stay visible (a
        // dashed line would do too, but Skia writes every dash as a filled outline: tens of kilobytes per line).
        line.LineWidth = policy.IdenticalToBaseline ? 1 : 2.5f;
    }

    private static string Finish(Plot plot, bool legend, int width = Width, int height = Height)
    {
        if (legend)
        {
            // Outside the data area: with eight policies an inside legend hides the curves it labels.
            plot.ShowLegend(Edge.Right);
        }

        var svg = plot.GetSvgXml(width, height);

        // The data area, for the page's pixel check (HtmlPage): a plot without marks has no clip rectangle to find it by.
        var area = plot.RenderManager.LastRender.DataRect;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var tag = svg.IndexOf("<svg ", StringComparison.Ordinal);
        if (tag >= 0)
        {
            svg = svg.Insert(tag + 5, string.Create(c, $"data-area=\"{area.Left:0.#} {area.Top:0.#} {area.Width:0.#} {area.Height:0.#}\" "));
        }

        return SvgNumbers.Compact(SvgFonts.UsePageFont(SvgIds.Normalize(svg)));
    }
}
