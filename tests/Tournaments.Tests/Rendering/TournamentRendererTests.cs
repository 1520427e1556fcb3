using System.Text.Json;
using System.Xml.Linq;
using NetnsPolicy.Reports.Tests.Rendering;

namespace NetnsPolicy.Tournaments.Tests.Rendering;

[TestFixture]
public sealed class TournamentRendererTests
{
    [Test]
    public void ToMarkdown_Result_HeadlineRankingHeldOutAndFailures()
    {
        var md = TournamentRenderer.ToMarkdown(SampleResults.WithFailingGate());
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.StartWith("# Tournament synthetic: ❌ 3 gate check(s) failed"));
            Assert.That(md, Does.Contain("| Rank | Policy | Score | seed | churn | Wins | Mean rank | Note |"));
            Assert.That(md, Does.Contain("| 1 | batching[batch_size=8] | 0.7"));
            Assert.That(md, Does.Contain("## Held-out tracks"));
            Assert.That(md, Does.Contain("| p99 within 5% | slow & &lt;odd&gt; | seed |"));
            Assert.That(md, Does.Contain("## Track vsftpd (held out)"));
        });
    }

    [Test]
    public void ToJUnit_Result_OneTestCasePerGateEntryAndTrack()
    {
        var result = SampleResults.WithFailingGate();
        var xml = XDocument.Parse(TournamentRenderer.ToJUnit(result));
        var cases = xml.Descendants("testcase").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(cases, Has.Length.EqualTo(result.Gates.Count));
            Assert.That(cases, Has.Length.EqualTo(3 * 3 + 2 * 3), "no-disqualified covers the baseline; regressions do not");
            Assert.That(xml.Root!.Attribute("failures")!.Value, Is.EqualTo("3"));
            Assert.That(xml.Descendants("testsuite").Select(s => s.Attribute("name")!.Value), Is.EqualTo(new[] { "no-disqualified", "p99 within 5%" }));
            Assert.That(cases.Count(c => c.Element("failure") is not null), Is.EqualTo(3));
            Assert.That(cases.Select(c => c.Attribute("name")!.Value), Does.Contain("slow & <odd> @ vsftpd"));
        });
    }

    [Test]
    public void ToJson_Result_VersionedAndRoundTrips()
    {
        var json = TournamentRenderer.ToJson(SampleResults.WithFailingGate());
        using var doc = JsonDocument.Parse(json);
        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("schema_version").GetInt32(), Is.EqualTo(1));
            Assert.That(doc.RootElement.GetProperty("any_gate_failed").GetBoolean(), Is.True);
            Assert.That(doc.RootElement.GetProperty("held_out_ranking").GetArrayLength(), Is.EqualTo(3));
            Assert.That(TournamentRenderer.ToJson(TournamentRenderer.FromJson(json)), Is.EqualTo(json));
        });
    }

    [Test]
    public void Renderers_SameResultTwice_SameBytes()
    {
        var a = SampleResults.WithFailingGate();
        var b = SampleResults.WithFailingGate();
        Assert.Multiple(() =>
        {
            Assert.That(TournamentRenderer.ToMarkdown(b), Is.EqualTo(TournamentRenderer.ToMarkdown(a)));
            Assert.That(TournamentRenderer.ToJUnit(b), Is.EqualTo(TournamentRenderer.ToJUnit(a)));
            Assert.That(TournamentRenderer.ToJson(b), Is.EqualTo(TournamentRenderer.ToJson(a)));
            Assert.That(TournamentRenderer.ToHtml(b), Is.EqualTo(TournamentRenderer.ToHtml(a)));
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ToHtml_OpenedInHeadlessChromium_RendersEveryPlotWithoutScriptErrors()
    {
        var check = await HeadlessChromium.RenderAsync(TournamentRenderer.ToHtml(SampleResults.WithFailingGate()));
        Assert.Multiple(() =>
        {
            Assert.That(check.Done, Is.True, "the load handler did not run");
            // Synthetic runs record no series and no profile: each track shows only its ratio plot, the others a note.
            Assert.That(check.Expected, Is.EqualTo(2 + 3 * 1), "ranking plots plus every track's ratio plot");
            Assert.That(check.Rendered, Is.EqualTo(check.Expected));
            Assert.That(check.Errors, Is.Zero, check.ErrorText);
            Assert.That(check.Ink, Has.Count.EqualTo(check.Expected));
            Assert.That(check.Blank, Is.Empty, "plots with an empty data area: " + string.Join(", ", check.Blank));
        });
    }

    [Test]
    public void ToMarkdown_Result_TrackWinnersParetoAndExplanations()
    {
        var result = SampleResults.WithFailingGate();
        var md = TournamentRenderer.ToMarkdown(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.TrackWinners.Select(w => w.Entry), Is.EqualTo(new[] { "batching[batch_size=8]", "batching[batch_size=8]", "batching[batch_size=8]" }));
            Assert.That(md, Does.Contain("- Track seed: winner batching[batch_size=8] ("));
            Assert.That(md, Does.Contain("; Pareto front: "));
            Assert.That(md, Does.Contain(" Why |"));
            foreach (var p in result.Tracks.SelectMany(t => t.Report!.Policies))
            {
                Assert.That(p.Explanation, Is.Not.Empty, p.Policy);
                Assert.That(md, Does.Contain(NetnsPolicy.Reports.Rendering.MarkdownWriter.Escape(p.Explanation)), p.Policy);
            }
        });
    }

    [Test]
    public void Score_EntryWorseThanBaselineOnScoredMetric_FlaggedInRanking()
    {
        var result = SampleResults.WithFailingGate();
        var slow = result.Ranking.Single(r => r.Entry == "slow & <odd>");
        Assert.Multiple(() =>
        {
            Assert.That(slow.WorseThanBaseline, Has.Some.StartsWith("seed: creation_latency_p99_ms (+2"));
            Assert.That(TournamentRenderer.ToMarkdown(result), Does.Contain("worse than baseline on seed: creation_latency_p99_ms (+2"));
        });
    }
}
