using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Tournaments.Tests.Execution;

[TestFixture]
public sealed class RunSchedulerTests
{
    [Test]
    public void Next_Warmup_RoundRobinByReplicationBaselinesFirst()
    {
        var t = Synthetic.Tournament(["upstream", "a", "b"], ["x", "y"], replications: 4);
        var scheduler = new RunScheduler(t);
        var first = Enumerable.Range(0, 6).Select(_ => scheduler.Next((_, _) => [])!).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(first.Take(2).Select(s => (s.Entry, s.Track)), Is.EqualTo(new[] { ("upstream", "x"), ("upstream", "y") }));
            Assert.That(first.Select(s => s.Replication), Is.All.Zero);
            Assert.That(first.Skip(2).Select(s => s.Entry), Is.EquivalentTo(new[] { "a", "b", "a", "b" }));
        });
    }

    [Test]
    public void Next_UntilExhausted_EveryPlannedRunExactlyOnce()
    {
        var t = Synthetic.Tournament(["upstream", "a", "b"], ["x", "y"], replications: 4);
        var scheduler = new RunScheduler(t);
        var specs = new List<RunSpec>();
        while (scheduler.Next((_, _) => []) is { } s)
        {
            specs.Add(s);
        }

        Assert.Multiple(() =>
        {
            Assert.That(specs, Has.Count.EqualTo(24));
            Assert.That(specs.Select(s => (s.Track, s.Entry, s.Replication)).Distinct().Count(), Is.EqualTo(24));
            Assert.That(scheduler.HasPending, Is.False);
        });
    }

    [Test]
    public void Next_AfterWarmup_UnsettledCellBeforeDeterministicOne()
    {
        // "noisy" sits near the baseline with spread; "steady" is far away with identical runs: the next run should
        // go to noisy (or the baseline it is compared with), never to steady.
        var t = Synthetic.Tournament(["upstream", "steady", "noisy"], ["x"], replications: 5);
        var scheduler = new RunScheduler(t);
        var results = new List<RunResult>[3];
        for (var i = 0; i < 3; i++)
        {
            results[i] = [];
        }

        for (var k = 0; k < 6; k++)
        {
            var spec = scheduler.Next((_, e) => results[e])!;
            var entry = t.Entries.ToList().FindIndex(x => x.Name == spec.Entry);
            results[entry].Add(spec.Entry switch
            {
                "steady" => Synthetic.Run("steady", "x", spec.Replication, 0.5),
                "noisy" => Synthetic.Run("noisy", "x", spec.Replication, spec.Replication == 0 ? 0.9 : 1.08),
                _ => Synthetic.Run("upstream", "x", spec.Replication, 1.0),
            });
        }

        var next = scheduler.Next((_, e) => results[e])!;
        Assert.That(next.Entry, Is.AnyOf("noisy", "upstream"));
    }

    [Test]
    public void Next_Spec_CarriesTrackWorkloadAndEntryParameters()
    {
        var t = Synthetic.Tournament(["upstream"], ["x"], replications: 1);
        var spec = new RunScheduler(t).Next((_, _) => [])!;
        Assert.That(spec, Is.EqualTo(new RunSpec("x", "upstream", "w-x", "{}", "v4.9", "upstream", t.Entries[0].Parameters, 1, 0)));
    }
}
