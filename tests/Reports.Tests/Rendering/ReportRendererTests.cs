using System.Text.Json;

namespace NetnsPolicy.Reports.Tests.Rendering;

[TestFixture]
public sealed class ReportRendererTests
{
    [Test]
    public void ToJson_SameReportBuiltTwice_SameBytes() =>
        AssertSameOutput(ReportRenderer.ToJson);

    [Test]
    public void ToJson_Report_VersionedSnakeCaseDocument()
    {
        using var doc = JsonDocument.Parse(ReportRenderer.ToJson(SampleReports.ThreePolicies()));
        var root = doc.RootElement;
        var first = root.GetProperty("policies")[1];
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("schema_version").GetInt32(), Is.EqualTo(ComparisonReport.CurrentSchemaVersion));
            Assert.That(root.GetProperty("kernel_profile").GetString(), Is.EqualTo("v4.9"));
            Assert.That(first.GetProperty("policy").GetString(), Is.EqualTo("batching"));
            Assert.That(first.GetProperty("metrics")[0].GetProperty("ci_low").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(first.GetProperty("metrics")[0].GetProperty("p_value").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(root.GetProperty("pareto_front").GetArrayLength(), Is.GreaterThan(0));
        });
    }

    [Test]
    public void FromJson_RenderedReport_RoundTripsToSameJson()
    {
        var json = ReportRenderer.ToJson(SampleReports.ThreePolicies());
        Assert.That(ReportRenderer.ToJson(ReportRenderer.FromJson(json)), Is.EqualTo(json));
    }

    [Test]
    public void FromJson_OtherSchemaVersion_Rejected() =>
        Assert.That(() => ReportRenderer.FromJson("{\"schema_version\": 99}"), Throws.TypeOf<NotSupportedException>());

    [Test]
    public void ToJson_InfiniteRatio_WrittenAsNull()
    {
        var report = SampleReports.ThreePolicies();
        var p = report.Policies[1];
        var patched = report with { Policies = [report.Policies[0], p with { Metrics = [p.Metrics[0] with { Ratio = double.PositiveInfinity }] }] };
        using var doc = JsonDocument.Parse(ReportRenderer.ToJson(patched));
        Assert.That(doc.RootElement.GetProperty("policies")[1].GetProperty("metrics")[0].GetProperty("ratio").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void ToMarkdown_Report_SummaryTableWithBaselineAtOneAndVerdictMarks()
    {
        var md = ReportRenderer.ToMarkdown(SampleReports.ThreePolicies());
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.StartWith("## synthetic on v4.9: baseline upstream, 6 replication(s)"));
            Assert.That(md, Does.Contain("| upstream · baseline | 2.000 (1.00) |"));
            Assert.That(md, Does.Contain("| batching | 1.200 (0.60) ✅ |"));
            Assert.That(md, Does.Contain("| slow | 2.800 (1.40) ❌ |"));
            Assert.That(md, Does.Contain("### Pareto front"));
            Assert.That(md, Does.Contain("`kobject_uevent_env`"));
            Assert.That(md, Does.Contain("### Disqualified"));
        });
    }

    [Test]
    public void ToMarkdown_PipeInPolicyName_Escaped()
    {
        var md = ReportRenderer.ToMarkdown(SampleReports.ThreePolicies());
        Assert.That(md, Does.Contain("unsafe\\|policy"));
    }

    [Test]
    public void ToMarkdown_SameReport_SameText() =>
        AssertSameOutput(ReportRenderer.ToMarkdown);

    [Test]
    public void ToCsv_Report_HeaderPlusOneRowPerPolicyAndMetric()
    {
        var lines = ReportRenderer.ToCsv(SampleReports.ThreePolicies()).TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo(NetnsPolicy.Reports.Rendering.CsvWriter.Header));
            Assert.That(lines, Has.Length.EqualTo(1 + 4 * MetricCatalog.All.Count));
            Assert.That(lines[1], Does.StartWith("synthetic,v4.9,upstream,upstream,,true,false,false,teardown_seconds,s,true,6,2,"));
        });
    }

    [Test]
    public void ToCsv_FieldWithCommaAndQuote_QuotedPerRfc4180()
    {
        var csv = ReportRenderer.ToCsv(SampleReports.ThreePolicies());
        Assert.That(csv, Does.Contain(",\"unsafe|policy, \"\"quoted\"\"\","));
    }

    [Test]
    public void ToHtml_SameReport_SameBytes() =>
        AssertSameOutput(ReportRenderer.ToHtml);

    [Test]
    public void ToHtml_Report_SelfContainedWithEveryPlotEmbedded()
    {
        var html = ReportRenderer.ToHtml(SampleReports.ThreePolicies());
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("data-expected=\"8\""));
            Assert.That(CountOf(html, "src=\"data:image/svg+xml;base64,"), Is.EqualTo(8));
            Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://").IgnoreCase.Or.Contain("http://www.w3.org"));
            Assert.That(html, Does.Contain("freed &lt;early&gt; &amp; fast"));
        });
    }

    /// <summary>Two reports built independently from the same input render to the same text.</summary>
    private static void AssertSameOutput(Func<ComparisonReport, string> render)
    {
        var first = render(SampleReports.ThreePolicies());
        var second = render(SampleReports.ThreePolicies());
        Assert.That(second, Is.EqualTo(first));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
