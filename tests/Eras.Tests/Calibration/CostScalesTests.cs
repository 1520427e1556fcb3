using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

[TestFixture]
public sealed class CostScalesTests
{
    [Test]
    public void Apply_Scales_EachGroupMovesAlone()
    {
        var p = KernelProfileLoader.Load("v6.18");
        var s = CostScales.Apply(p, [2, 0.5, 3, 1.5]);
        var gss = p.PernetOps.Single(o => o.Name == "rpcsec_gss_exit_net");
        var gss2 = s.PernetOps.Single(o => o.Name == "rpcsec_gss_exit_net");

        Assert.That(gss2.InitNs, Is.EqualTo(2 * gss.InitNs));
        Assert.That(gss2.ExitNs, Is.EqualTo(gss.ExitNs / 2));
        Assert.That(s.Costs.DeviceNotifierNs, Is.EqualTo(3 * p.Costs.DeviceNotifierNs));
        Assert.That(s.Rcu.NormalGpBaseJiffies, Is.EqualTo(1.5 * p.Rcu.NormalGpBaseJiffies).Within(1e-12));
        Assert.That(s.Structure, Is.EqualTo(p.Structure), "structure is never fitted");
        Assert.That(s.Memory, Is.EqualTo(p.Memory));
    }

    [Test]
    public void WithMeasuredMemory_EraWithPerCpuSockets_SolvesForTheRest()
    {
        var p = KernelProfileLoader.Load("v5.3");
        var perCpu = p.PernetOps.Sum(o => o.PerCpuSockets) * 8 * p.Memory.PerCpuSocketBytes;
        var fitted = CostScales.WithMeasuredMemory(p, 200_000, 8);

        Assert.That(perCpu, Is.GreaterThan(0));
        Assert.That(fitted.Memory.NetBaseBytes, Is.EqualTo(200_000 - perCpu));
    }
}
