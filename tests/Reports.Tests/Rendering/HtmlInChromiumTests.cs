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
