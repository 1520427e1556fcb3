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

    [Test]
    public void WithMeasuredExpedited_KeepsTheSplitAndApplyLeavesItAlone()
    {
        var p = KernelProfileLoader.Load("v6.18");
        var measured = CostScales.WithMeasuredExpedited(p, 15_000, 2);
        var lengthOn2 = measured.Rcu.ExpeditedBaseNs + (2 * measured.Rcu.ExpeditedPerCpuNs);

        Assert.That(lengthOn2, Is.EqualTo(15_000).Within(2), "the measured length on the host's CPUs");
        Assert.That((double)measured.Rcu.ExpeditedBaseNs / measured.Rcu.ExpeditedPerCpuNs, Is.EqualTo((double)p.Rcu.ExpeditedBaseNs / p.Rcu.ExpeditedPerCpuNs).Within(0.01));

        var scaled = CostScales.Apply(measured, [1, 1, 1, 2], MeasuredRcu.Expedited);
        Assert.That(scaled.Rcu.ExpeditedBaseNs, Is.EqualTo(measured.Rcu.ExpeditedBaseNs), "measured, not fitted");
        Assert.That(scaled.Rcu.ExpeditedPerCpuNs, Is.EqualTo(measured.Rcu.ExpeditedPerCpuNs));
        Assert.That(scaled.Rcu.NormalGpBaseJiffies, Is.EqualTo(2 * measured.Rcu.NormalGpBaseJiffies).Within(1e-12), "the rest of the rcu group still scales");
        Assert.That(CostScales.Apply(measured, [1, 1, 1, 2]).Rcu.ExpeditedBaseNs, Is.EqualTo(2 * measured.Rcu.ExpeditedBaseNs).Within(1));
    }

    [Test]
    public void WithMeasuredNormalGp_BaseFromTheIdleLengthAndApplyLeavesItAlone()
    {
        var p = KernelProfileLoader.Load("v6.18");
        var measured = CostScales.WithMeasuredNormalGp(p, 4_900_000, 2, 250);

        Assert.That(measured.Rcu.NormalGpBaseJiffies, Is.EqualTo(Math.Round((4_900_000 - (2.0 * p.Rcu.NormalGpPerCpuNs)) / 4_000_000, 4)));
        Assert.That(CostScales.WithMeasuredNormalGp(p, 1_000, 2, 250).Rcu.NormalGpBaseJiffies, Is.EqualTo(0.1), "never below a tenth of a jiffy");
        var scaled = CostScales.Apply(measured, [1, 1, 1, 1.5], MeasuredRcu.NormalBase);
        Assert.That(scaled.Rcu.NormalGpBaseJiffies, Is.EqualTo(measured.Rcu.NormalGpBaseJiffies));
        Assert.That(scaled.Rcu.NormalGpBusyExtraJiffies, Is.EqualTo(1.5 * measured.Rcu.NormalGpBusyExtraJiffies).Within(1e-12));
        Assert.That(scaled.Rcu.ExpeditedBaseNs, Is.EqualTo(1.5 * measured.Rcu.ExpeditedBaseNs).Within(1), "the expedited GP still scales");
    }
}
