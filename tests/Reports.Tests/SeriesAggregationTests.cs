using NetnsPolicy.Reports.Rendering;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports.Tests;

[TestFixture]
public sealed class SeriesAggregationTests
{
    [Test]
    public void MergeIntervals_ThousandsOfSubPixelIntervals_AtMostOnePerCellEachAtLeastACellWide()
    {
        // 13 963 grace periods 2 µs long over 2.8 s: the seed track's blank plot.
        var rows = Enumerable.Range(0, 13_963).Select(i => new[] { i * 0.2, i * 0.2 + 0.002, (double)(i % 7 == 0 ? 1 : 0) }).ToArray();
        var merged = SeriesAggregation.MergeIntervals(rows, 0, 2800.0 / 1000, kindColumn: 2, sumColumn: null);
        Assert.Multiple(() =>
        {
            Assert.That(merged, Has.Count.LessThanOrEqualTo(2 * 1000));
            Assert.That(merged.Select(r => r[1] - r[0]), Is.All.GreaterThanOrEqualTo(2.8 - 1e-9));
            Assert.That(merged.Select(r => r[2]).Distinct(), Is.EquivalentTo(new[] { 0.0, 1.0 }));
        });
    }

    [Test]
    public void MergeIntervals_BatchSizes_Summed()
    {
        var merged = SeriesAggregation.MergeIntervals([[0, 0.1, 3], [0.2, 0.3, 4], [50, 60, 5]], 0, 1, kindColumn: null, sumColumn: 2);
        Assert.That(merged.Select(r => r[2]), Is.EqualTo(new[] { 7.0, 5.0 }));
    }

    [Test]
    public void ToPixelGrid_LongSeries_BoundedAndPeakKept()
    {
        var n = 20_000;
        var series = new RunSeries
        {
            TimeMs = Enumerable.Range(0, n).Select(i => (double)i).ToArray(),
            Backlog = Enumerable.Range(0, n).Select(i => i == 12_345 ? 999 : i % 10).ToArray(),
            MemoryBytes = Enumerable.Range(0, n).Select(i => (long)i).ToArray(),
        };
        var reduced = SeriesAggregation.ToPixelGrid(series);
        Assert.Multiple(() =>
        {
            Assert.That(reduced.TimeMs, Has.Count.LessThanOrEqualTo(6 * SeriesAggregation.Cells));
            Assert.That(reduced.Backlog.Max(), Is.EqualTo(999));
        });
    }

    [Test]
    public void Timeline_SubPixelIntervals_DrawnAtLeastOnePixelWide()
    {
        var policy = new PolicySummary
        {
            Policy = "upstream",
            Series = new RunSeries { GracePeriods = Enumerable.Range(0, 2000).Select(i => new[] { i * 1.4, i * 1.4 + 0.002, 0.0 }).ToArray() },
        };
        var svg = PlotFactory.Timeline("RCU grace periods", [policy], s => s.GracePeriods, kindColumn: 2, ["normal", "expedited"]);
        var widths = System.Text.RegularExpressions.Regex.Matches(svg, "<rect fill=\"#4E79A7\"[^>]* width=\"([0-9.]+)\"")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(widths, Is.Not.Empty);
            Assert.That(widths, Is.All.GreaterThanOrEqualTo(0.5));
        });
    }

    [Test]
    public void GroupedBars_RatiosSpanningMoreThanFourTimes_LogScale()
    {
        string Plot(double high) => PlotFactory.GroupedBars("Ratio", "mean / baseline mean", ["a", "b"], ["x"], [[0.5, high]], referenceLine: 1, ratioScale: true);
        Assert.Multiple(() =>
        {
            Assert.That(Plot(7.7), Does.Contain("log scale"));
            Assert.That(Plot(1.5), Does.Not.Contain("log scale"));
        });
    }
}
