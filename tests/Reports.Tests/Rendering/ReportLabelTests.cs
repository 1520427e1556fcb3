using static NetnsPolicy.Reports.Tests.SyntheticRuns;

namespace NetnsPolicy.Reports.Tests.Rendering;

/// <summary>One label format for a policy with parameters, and a Pareto line that says what it lists.</summary>
[TestFixture]
public sealed class ReportLabelTests
{
    [TestCase("backlog-skip", "threshold=100", "backlog-skip[threshold=100]")]
    [TestCase("backlog-skip[threshold=500]", "threshold=500", "backlog-skip[threshold=500]")]
    [TestCase("backlog-skip", "", "backlog-skip")]
    public void Label_PolicyAndParameters_Brackets(string policy, string parameters, string expected) =>
        Assert.That(PolicyNames.Label(policy, parameters), Is.EqualTo(expected));

    [Test]
    public void Render_PolicyWithParameters_SameLabelInMarkdownHtmlAndPlots()
    {
        var withParameters = Policy("batching", 0.8) with { Parameters = "batch_size=32" };
        var report = ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), withParameters));
        var markdown = ReportRenderer.ToMarkdown(report);
        var html = ReportRenderer.ToHtml(report);
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("| batching[batch_size=32] |"));
            Assert.That(markdown, Does.Not.Contain("batching (batch_size=32)"));
            Assert.That(html, Does.Contain("<td>batching[batch_size=32]</td>"));
        });
    }

    [Test]
    public void ToMarkdown_ParetoLine_ListsFrontNotDisqualified()
    {
        var markdown = ReportRenderer.ToMarkdown(ComparisonReportBuilder.Build(Input(Policy("upstream", 1.0), Policy("fast", 0.5))));
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Not.Contain("disqualified policies excluded:"));
            Assert.That(markdown, Does.Contain("disqualified policies not considered: **fast**"));
        });
    }
}
