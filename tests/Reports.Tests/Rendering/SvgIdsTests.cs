using NetnsPolicy.Reports.Rendering;

namespace NetnsPolicy.Reports.Tests.Rendering;

[TestFixture]
public sealed class SvgIdsTests
{
    [Test]
    public void Normalize_HexClipIds_RenumberedByFirstAppearance()
    {
        const string svg = "<clipPath id=\"cl_6a\"/><g clip-path=\"url(#cl_6a)\"/><clipPath id=\"cl_34\"/><g clip-path=\"url(#cl_34)\"/>";
        Assert.That(SvgIds.Normalize(svg), Is.EqualTo("<clipPath id=\"cl_0\"/><g clip-path=\"url(#cl_0)\"/><clipPath id=\"cl_1\"/><g clip-path=\"url(#cl_1)\"/>"));
    }

    [Test]
    public void LatencyCdf_DrawnTwice_SameSvg()
    {
        var policies = SampleReports.ThreePolicies().Policies;
        var first = PlotFactory.LatencyCdf("cdf", policies, s => s.CreationCdf);
        var second = PlotFactory.LatencyCdf("cdf", policies, s => s.CreationCdf);
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(first, Does.StartWith("<?xml").And.Contain("<svg"));
        });
    }
}
