using NetnsPolicy.Simulation.Metrics;
using ScottPlot;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>The report's plots, drawn with ScottPlot 5 and returned as standalone SVG documents.</summary>
public static class PlotFactory
{
    public const int Width = 760;

    /// <summary>Latencies below this (zero, in practice) are drawn at it on log axes.</summary>
    public const double MinLatencyMs = 1e-3;
    public const int Height = 380;

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

            AddLine(plot, xs, points.Select(p => p[1]).ToArray(), policies[i].Policy, i);
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
            AddLine(plot, xs, ys, policies[i].Policy, i);
        }

        return Finish(plot, legend: true);
    }

    /// <summary>
    /// Intervals on one row per policy: the cleanup batches' setup-lock holds ([start, hold end]) or the grace
    /// periods ([start, end], coloured by kind when <paramref name="kindColumn"/> is given).
    /// </summary>
    public static string Timeline(string title, IReadOnlyList<PolicySummary> policies, Func<RunSeries, IReadOnlyList<double[]>> intervals, int? kindColumn, IReadOnlyList<string>? kindNames = null)
    {
        var plot = NewPlot(title, "simulated time (ms)", "");
        var kinds = new SortedSet<int>();
        for (var i = 0; i < policies.Count; i++)
        {
            var rows = policies[i].Series is { } s ? intervals(s) : [];
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

        plot.Axes.Left.SetTicks(Enumerable.Range(0, policies.Count).Select(i => (double)i).ToArray(), policies.Select(p => p.Policy).ToArray());
        plot.Axes.SetLimitsY(-0.6, policies.Count - 0.4);
        if (kindColumn is not null && kindNames is not null)
        {
            plot.Legend.ManualItems.Clear();
            foreach (var kind in kinds.Where(k => k >= 0 && k < kindNames.Count))
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = kindNames[kind], FillColor = KindColor(kind) });
            }

            return Finish(plot, legend: kinds.Any(k => k >= 0));
        }

        return Finish(plot, legend: false);
    }

    /// <summary>Grouped horizontal bars: one group per category, one bar per series (policy).</summary>
    /// <param name="title">Plot title.</param>
    /// <param name="valueLabel">Label of the value axis.</param>
    /// <param name="categories">Group labels.</param>
    /// <param name="series">Series names, coloured by index like every other plot.</param>
    /// <param name="values">Per series, one value per category (non-finite values draw as 0).</param>
    /// <param name="referenceLine">Optional dashed line, e.g. at ratio 1.</param>
    public static string GroupedBars(string title, string valueLabel, IReadOnlyList<string> categories, IReadOnlyList<string> series, IReadOnlyList<double[]> values, double? referenceLine = null)
    {
        var plot = NewPlot(title, valueLabel, "");
        var group = series.Count + 1;
        for (var i = 0; i < series.Count; i++)
        {
            var bars = categories.Select((_, c) => new Bar
            {
                Position = c * group + i,
                Value = double.IsFinite(values[i][c]) ? values[i][c] : 0,
                FillColor = Palette.Color(i),
                LineWidth = 0,
            }).ToList();
            var barPlot = plot.Add.Bars(bars);
            barPlot.Horizontal = true;
            barPlot.LegendText = series[i];
        }

        if (referenceLine is { } x)
        {
            var line = plot.Add.VerticalLine(x);
            line.Color = Colors.Black;
            line.LinePattern = LinePattern.Dashed;
        }

        plot.Axes.Left.SetTicks(categories.Select((_, c) => c * group + (series.Count - 1) / 2.0).ToArray(), categories.ToArray());
        plot.Axes.Left.TickLabelStyle.FontSize = 10;
        plot.Axes.InvertY();
        return Finish(plot, legend: true, height: Math.Max(Height, 40 + categories.Count * (12 * series.Count + 14)));
    }

    private static ScottPlot.Color KindColor(int kind) => kind == 0 ? Palette.Color(0) : Palette.Color(1);

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 14);
        plot.XLabel(xLabel, 12);
        if (yLabel.Length > 0)
        {
            plot.YLabel(yLabel, 12);
        }

        return plot;
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string label, int index)
    {
        if (xs.Length == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = label;
        line.Color = Palette.Color(index);
        line.LineWidth = 2;
    }

    private static string Finish(Plot plot, bool legend, int width = Width, int height = Height)
    {
        if (legend)
        {
            // Outside the data area: with eight policies an inside legend hides the curves it labels.
            plot.ShowLegend(Edge.Right);
        }

        return SvgIds.Normalize(plot.GetSvgXml(width, height));
    }
}
