using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Tournaments.Tests.Execution;

[TestFixture]
public sealed class TournamentRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static double Factor(RunSpec s) => s.Entry switch { "fast" => 0.5, "slow" => 1.5, _ => 1.0 };

    [Test]
    public async Task RunAsync_EveryRunSucceeds_AllPlannedRunsScored()
    {
        var t = Synthetic.Tournament(["upstream", "fast", "slow"], ["x", "y"], replications: 4);
        var progress = new List<TournamentProgress>();
        var result = await new TournamentRunner(new SyntheticExecutor(Factor)).RunAsync(t, new SynchronousProgress(progress.Add)).WaitAsync(Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(result.RunsPlanned, Is.EqualTo(24));
            Assert.That(result.RunsCompleted, Is.EqualTo(24));
            Assert.That(result.BudgetExhausted, Is.False);
            Assert.That(result.Ranking.Select(r => r.Entry), Is.EqualTo(new[] { "fast", "upstream", "slow" }));
            Assert.That(progress.Select(p => p.Completed), Is.EqualTo(Enumerable.Range(1, 24)));
            Assert.That(result.Tracks.Select(x => x.Report!.Replications), Is.All.EqualTo(4));
        });
    }

    [Test]
    public async Task RunAsync_Parallelism_InFlightRunsBoundedByLimit()
    {
        var t = Synthetic.Tournament(["upstream", "fast", "slow"], ["x", "y"], replications: 3);
        var executor = new SyntheticExecutor(Factor) { Delay = TimeSpan.FromMilliseconds(20) };
        await new TournamentRunner(executor, new TournamentRunnerOptions { MaxParallelism = 3 }).RunAsync(t).WaitAsync(Timeout);
        Assert.That(executor.MaxInFlight, Is.EqualTo(3));
    }

    [Test]
    public async Task RunAsync_TimeBudgetSpent_StopsStartingRunsAndSaysSo()
    {
        var t = Synthetic.Tournament(["upstream", "fast", "slow"], ["x"], replications: 5);
        var clock = new ManualTimeProvider();
        var executor = new SyntheticExecutor(Factor) { OnRun = _ => clock.Advance(TimeSpan.FromSeconds(1)) };
        var options = new TournamentRunnerOptions { MaxParallelism = 1, TimeBudget = TimeSpan.FromSeconds(7), TimeProvider = clock };
        var result = await new TournamentRunner(executor, options).RunAsync(t).WaitAsync(Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(result.RunsCompleted, Is.EqualTo(7));
            Assert.That(result.BudgetExhausted, Is.True);
            Assert.That(result.Warnings, Has.Some.Contains("time budget"));
            Assert.That(result.Tracks[0].Scores.Select(s => s.Runs).Sum(), Is.EqualTo(7));
            Assert.That(result.Tracks[0].Scores.Select(s => s.Runs), Is.All.GreaterThanOrEqualTo(2), "the warm-up gives every cell two runs first");
        });
    }

    [Test]
    public async Task RunAsync_ExecutorThrows_RunCountsAsErrorAndDisqualifies()
    {
        var t = Synthetic.Tournament(["upstream", "broken"], ["x"], replications: 2, gates: [new GateSpec("no-dq", GateKinds.NoDisqualified, null, 0, false, null, null)]);
        var executor = new SyntheticExecutor(Factor) { OnRun = s => { if (s.Entry == "broken") { throw new InvalidOperationException("plugin went away"); } } };
        var result = await new TournamentRunner(executor).RunAsync(t).WaitAsync(Timeout);
        var broken = result.Tracks[0].Report!.Policies.Single(p => p.Policy == "broken");
        Assert.Multiple(() =>
        {
            Assert.That(broken.Disqualified, Is.True);
            Assert.That(broken.Problems[0], Does.Contain("status error: InvalidOperationException: plugin went away"));
            Assert.That(result.AnyGateFailed, Is.True);
        });
    }

    [Test]
    public void RunAsync_Cancelled_Throws()
    {
        var t = Synthetic.Tournament(["upstream", "fast"], ["x"], replications: 50);
        using var cts = new CancellationTokenSource();
        var executor = new SyntheticExecutor(Factor) { Delay = TimeSpan.FromMilliseconds(5), OnRun = _ => cts.Cancel() };
        Assert.That(async () => await new TournamentRunner(executor).RunAsync(t, cancellationToken: cts.Token).WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this one reports inline so the order is observable.</summary>
    private sealed class SynchronousProgress(Action<TournamentProgress> report) : IProgress<TournamentProgress>
    {
        public void Report(TournamentProgress value) => report(value);
    }
}
