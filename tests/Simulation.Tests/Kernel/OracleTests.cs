using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Simulation.Tests.Kernel;

/// <summary>Every correctness oracle (KERNEL-MODEL.md §8) tripped by a deliberately broken policy, and silent for upstream.</summary>
[TestFixture]
public sealed class OracleTests
{
    private static Workload SmallBurst(int cpus = 4, int veth = 0) => Sim.Workload("burst-1000-veth") with
    {
        Machine = Sim.Workload("burst-1000-veth").Machine with { Cpus = cpus },
        Burst = new BurstSpec { Count = 40, Devices = new DeviceMix { VethPairs = veth }, CreateParallelism = 2 },
        Probe = new ProbeSpec { IntervalMs = 1 },
        RtnlUsers = null,
    };

    [Test]
    public void Oracles_Upstream_NoViolation()
    {
        foreach (var w in new[] { SmallBurst(veth: 1), Sim.SeedBurst(50) })
        {
            var r = Sim.Run(w);
            Assert.That(r.OracleViolations, Is.Empty, w.Name);
            Assert.That(r.NetsFreed, Is.EqualTo(r.NetsCreated), w.Name);
        }
    }

    [Test]
    public void RcuSafety_PolicySkipsGracePeriods_IsViolated()
    {
        var r = Sim.Run(SmallBurst(veth: 1), TestPolicies.SkipGracePeriods());
        Assert.That(r.OracleViolations.Select(v => v.Rule), Does.Contain("rcu-safety"));
        Assert.That(r.OracleViolations.First(v => v.Rule == "rcu-safety").Message, Does.Contain("grace period"));
    }

    [Test]
    public void Uevent_PolicySuppressesLiveNetnsDevice_IsViolated()
    {
        var r = Sim.Run(SmallBurst(veth: 1), TestPolicies.SuppressAllRemovals());
        var v = r.OracleViolations.Where(x => x.Rule == "uevent").ToList();
        Assert.That(v, Is.Not.Empty);
        Assert.That(v[0].Objects, Does.Contain("@net#0"), "the host-side veth peer lives in the init netns");
    }

    [Test]
    public void Uevent_SuppressingOnlyDyingDevices_IsAllowed()
    {
        var r = Sim.Run(SmallBurst(veth: 1), TestPolicies.SkipDyingUevents());
        Assert.That(r.OracleViolations, Is.Empty);
        Assert.That(r.Uevents.Suppressed, Is.GreaterThan(0));
    }

    [Test]
    public void Liveness_PolicyStrandsNets_IsViolated()
    {
        var r = Sim.Run(SmallBurst(), TestPolicies.TakeOneNoRequeue());
        Assert.That(r.OracleViolations.Select(v => v.Rule), Does.Contain("liveness"));
        Assert.That(r.OracleViolations.Select(v => v.Rule), Does.Contain("conservation"), "stranded nets keep their memory and ucounts");
    }

    [Test]
    public void Exclusion_PolicyDropsNetMutexMidBatch_IsViolated()
    {
        var r = Sim.Run(SmallBurst(), TestPolicies.ReleaseMidBatch());
        Assert.That(r.OracleViolations.Select(v => v.Rule), Does.Contain("exclusion"));
    }

    [Test]
    public void Exclusion_SharedLockMode_IsNotAViolation()
    {
        var r = Sim.Run(SmallBurst(), TestPolicies.SharedLock());
        Assert.That(r.OracleViolations, Is.Empty);
    }

    [Test]
    public void PolicyFault_PolicyThrows_EndsRunWithExplanation()
    {
        var r = Sim.Run(SmallBurst(), TestPolicies.Throwing());
        Assert.That(r.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(r.StatusDetail, Does.Contain("boom").And.Contain("AdmitBatch"));
    }

    [Test]
    public void PolicyFault_ImpossibleAnswer_EndsRunWithExplanation()
    {
        var r = Sim.Run(SmallBurst(), TestPolicies.Impossible());
        Assert.That(r.Status, Is.EqualTo(RunStatus.PolicyFault));
        Assert.That(r.StatusDetail, Does.Contain("Take must be within 1.."));
    }

    [Test]
    public void Decisions_OverriddenPoint_AreCounted()
    {
        var r = Sim.Run(SmallBurst(), TestPolicies.Batch(8));
        Assert.That(r.Decisions["batch_admission"].Calls, Is.GreaterThan(0));
        Assert.That(r.Decisions.ContainsKey("uevent_emission"), Is.False, "points the policy does not override are not asked");
    }
}
