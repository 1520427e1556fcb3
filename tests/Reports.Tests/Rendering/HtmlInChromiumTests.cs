using NetnsPolicy.Reports.Rendering;

namespace NetnsPolicy.Reports.Tests.Rendering;

/// <summary>The HTML report opened in a real browser: every plot decodes and no script fails.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HtmlInChromiumTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task ToHtml_OpenedInHeadlessChromium_RendersEveryPlotWithoutScriptErrors()
    {
        var check = await HeadlessChromium.RenderAsync(ReportRenderer.ToHtml(SampleReports.ThreePolicies()));
        Assert.Multiple(() =>
        {
            Assert.That(check.Done, Is.True, "the load handler did not run");
            Assert.That(check.Expected, Is.EqualTo(8));
            Assert.That(check.Plots, Is.EqualTo(check.Expected));
            Assert.That(check.Rendered, Is.EqualTo(check.Expected));
            Assert.That(check.Errors, Is.Zero, check.ErrorText);
            Assert.That(check.Ink, Has.Count.EqualTo(check.Expected));
            Assert.That(check.Blank, Is.Empty, "plots with an empty data area: " + string.Join(", ", check.Blank));
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RenderCheck_SubPixelAndEmptyPlots_ReportedBlank()
    {
        // The negative control of the pixel check: the old grace-period plot (rectangles 0.003 px wide) and a plot
        // with axes but no data are caught; a real plot beside them is not.
        var page = new HtmlPage("blank plots");
        var report = SampleReports.ThreePolicies();
        page.AddPlot(PlotFactory.LatencyCdf("real", report.Policies, s => s.CreationCdf), "real plot");
        var rects = string.Concat(Enumerable.Range(0, 2000).Select(i => $"<rect fill=\"#4E79A7\" x=\"{100 + (i * 0.4).ToString(System.Globalization.CultureInfo.InvariantCulture)}\" y=\"60\" width=\"0.003\" height=\"8\"/>"));
        page.AddPlot($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1100\" height=\"420\"><rect fill=\"white\" width=\"1100\" height=\"420\"/><clipPath id=\"cl_0\"><rect x=\"100\" y=\"40\" width=\"900\" height=\"330\"/></clipPath><g clip-path=\"url(#cl_0)\">{rects}</g></svg>", "sub-pixel marks");
        page.AddPlot(PlotFactory.TimeSeries("empty", "nets", [new PolicySummary { Policy = "upstream" }], (s, k) => s.Backlog[k]), "no data");
        var check = await HeadlessChromium.RenderAsync(page.Render());
        Assert.Multiple(() =>
        {
            Assert.That(check.Done, Is.True);
            Assert.That(check.Rendered, Is.EqualTo(3));
            Assert.That(check.Errors, Is.Zero, check.ErrorText);
            Assert.That(check.Blank, Is.EqualTo(new[] { "plot-2", "plot-3" }));
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RenderCheck_BrokenPlotAndThrowingScript_Detected()
    {
        // The negative control: the same marker must report a plot that fails to decode and a script error.
        var page = new HtmlPage("broken");
        page.AddPlot("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect", "truncated svg");
        page.Body.Append("<script>undefinedFunctionInReport();</script>\n");
        var check = await HeadlessChromium.RenderAsync(page.Render());
        Assert.Multiple(() =>
        {
            Assert.That(check.Done, Is.True);
            Assert.That(check.Rendered, Is.Zero);
            Assert.That(check.Errors, Is.GreaterThanOrEqualTo(1));
            Assert.That(check.ErrorText, Does.Contain("undefinedFunctionInReport"));
        });
    }
}
