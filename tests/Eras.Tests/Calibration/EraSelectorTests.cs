using NetnsPolicy.Calibration;

namespace NetnsPolicy.Eras.Tests.Calibration;

[TestFixture]
public sealed class EraSelectorTests
{
    [TestCase("6.18.44-fc-v782", "v6.18")]
    [TestCase("6.12.1-arch1", "v6.9")]
    [TestCase("5.4.0-150-generic", "v5.3")]
    [TestCase("4.19.0", "v4.18")]
    [TestCase("7.3.0", "v7.0")]
    [TestCase("3.10.0-1160.el7", "v4.9")]
    public void ForKernel_Release_ClosestEraAtOrBelow(string release, string era) =>
        Assert.That(EraSelector.ForKernel(release), Is.EqualTo(era));
}
