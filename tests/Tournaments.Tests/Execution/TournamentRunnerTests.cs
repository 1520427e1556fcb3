using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;
using NetnsPolicy.Tournaments.Scoring;

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

    [TestCase(1)]
    [TestCase(3)]
    public async Task RunAsync_TracksFinishingAtDifferentTimes_SameResultAsScoringEveryRunAtTheEnd(int parallelism)
    {
        // Track "x" finishes long before "z": the runner scores it while z's runs go on, which must not change a byte.
        var t = Synthetic.Tournament(["upstream", "fast", "slow"], ["x", "y", "z"], replications: 4, heldOut: ["y"]);
        var executor = new DelayedExecutor(s => TimeSpan.FromMilliseconds(s.Track switch { "x" => 0, "y" => 2, _ => 10 }));
        var result = await new TournamentRunner(executor, new TournamentRunnerOptions { MaxParallelism = parallelism }).RunAsync(t).WaitAsync(Timeout);
        var everyRun = t.Tracks.SelectMany(track => t.Entries.Select(e => (track.Name, e.Name))).ToDictionary(
            cell => cell,
            cell => (IReadOnlyList<RunResult>)Enumerable.Range(0, t.Replications).Select(r => DelayedExecutor.Result(cell.Item1, cell.Item2, r)).ToArray());
        Assert.That(TournamentRenderer.ToJson(result), Is.EqualTo(TournamentRenderer.ToJson(TournamentScorer.Score(t, everyRun))));
    }

    [Test]
    public async Task RunAsync_BudgetSpentWithSomeTracksFinished_SameResultAsScoringTheFinishedRunsAtTheEnd()
    {
        // After the warm-up (two replications of every cell: 12 runs) the scheduler finishes x, whose runs vary, before
        // y, whose runs all agree (18 runs); the budget stops at 20, so x is scored as soon as it is finished, y at the end.
        var t = Synthetic.Tournament(["upstream", "fast", "slow"], ["x", "y"], replications: 4);
        var clock = new ManualTimeProvider();
        var finished = new List<RunSpec>();
        var executor = new DelayedExecutor(_ => TimeSpan.Zero) { OnRun = s => { lock (finished) { finished.Add(s); } clock.Advance(TimeSpan.FromSeconds(1)); } };
        var options = new TournamentRunnerOptions { MaxParallelism = 1, TimeBudget = TimeSpan.FromSeconds(20), TimeProvider = clock };
        var result = await new TournamentRunner(executor, options).RunAsync(t).WaitAsync(Timeout);
        var runs = finished.GroupBy(s => (s.Track, s.Entry)).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<RunResult>)g.Select(s => DelayedExecutor.Result(s.Track, s.Entry, s.Replication)).ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(result.BudgetExhausted, Is.True);
            Assert.That(finished.Count(s => s.Track == "x"), Is.EqualTo(12), "x finished");
            Assert.That(finished.Count(s => s.Track == "y"), Is.EqualTo(8), "y cut short");
            Assert.That(TournamentRenderer.ToJson(result), Is.EqualTo(TournamentRenderer.ToJson(TournamentScorer.Score(t, runs, budgetExhausted: true))));
        });
    }

    [TestCase(1, 0)]
    [TestCase(2, 0)]
    [TestCase(3, 5)]
    public async Task RunAsync_CopiesOfTheBaselineAndEntriesToldApartByCounters_VerdictsAsFromWholeRuns(int parallelism, int baselineDelayMs)
    {
        // The runner keeps later replications' series and profiles only as fingerprints, and skips those of entries whose
        // counters already differ from the baseline's ("busy" in every replication, "late" from replication 3; with a
        // delayed baseline, found when the baseline's run ends after theirs). A copy of the baseline is still identical
        // to it, a copy differing in one value of replication 2's series is not, and the result is byte for byte what
        // scoring every whole run gives.
        var t = Synthetic.Tournament(["upstream", "copy", "almost", "busy", "late"], ["x", "y"], replications: 4);
        var executor = new WholeRunExecutor(s => TimeSpan.FromMilliseconds(s.Entry == "upstream" ? baselineDelayMs : 0));
        var result = await new TournamentRunner(executor, new TournamentRunnerOptions { MaxParallelism = parallelism }).RunAsync(t).WaitAsync(Timeout);
        var everyRun = t.Tracks.SelectMany(track => t.Entries.Select(e => (track.Name, e.Name))).ToDictionary(
            cell => cell,
            cell => (IReadOnlyList<RunResult>)Enumerable.Range(0, t.Replications).Select(r => WholeRunExecutor.Result(cell.Item1, cell.Item2, r)).ToArray());
        bool Identical(string entry) => result.Tracks.All(x => x.Report!.Policies.Single(p => p.Policy == entry).IdenticalToBaseline);
        Assert.Multiple(() =>
        {
            Assert.That(Identical("copy"), Is.True);
            Assert.That(new[] { "almost", "busy", "late" }.Select(Identical), Is.All.False);
            Assert.That(result.Tracks.Select(x => x.Report!.Policies[0].Series!.GracePeriods.Count), Is.All.EqualTo(2), "the first replication's series");
            Assert.That(TournamentRenderer.ToJson(result), Is.EqualTo(TournamentRenderer.ToJson(TournamentScorer.Score(t, everyRun))));
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

    /// <summary>Synthetic results after a delay per run: noisy (so the bootstrap has work) except on track y.</summary>
    private sealed class DelayedExecutor(Func<RunSpec, TimeSpan> delay) : IRunExecutor
    {
        public Action<RunSpec>? OnRun { get; init; }

        public static RunResult Result(string track, string entry, int replication) =>
            Synthetic.Run(entry, track, replication, Factor(new RunSpec(track, entry, "", "", "", "", new Dictionary<string, string>(), 1, replication)), noise: track == "y" ? 0 : 0.05);

        public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
        {
            await Task.Delay(delay(spec), cancellationToken);
            OnRun?.Invoke(spec);
            return Result(spec.Track, spec.Entry, spec.Replication);
        }
    }

    /// <summary>
    /// Every entry's runs are the baseline's, with a series and a profile per replication, except that "almost"'s
    /// replication 2 ends its last grace period a nanosecond later, and "busy" (every replication) and "late" (from
    /// replication 3) count more events.
    /// </summary>
    private sealed class WholeRunExecutor(Func<RunSpec, TimeSpan> delay) : IRunExecutor
    {
        public static RunResult Result(string track, string entry, int replication)
        {
            var r = Synthetic.Run("upstream", track, replication, 1.0, noise: 0.05, changed: 0) with { Policy = entry };
            var end = 30 + replication + (entry == "almost" && replication == 2 ? 1e-6 : 0);
            return r with
            {
                Events = 1000 + (entry == "busy" || (entry == "late" && replication >= 3) ? 1 : 0),
                Series = new RunSeries { TimeMs = [0, 10 * (replication + 1)], Backlog = [0, replication], MemoryBytes = [0, 1000], GracePeriods = [[1, 2, 0], [20, end, 1]] },
                Profile = new ProfileNode { TotalMs = 10, ChildrenPct = 100, Children = [new ProfileNode { Name = "cleanup_net", SelfPct = 40 + replication, ChildrenPct = 100 }] },
            };
        }

        public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
        {
            await Task.Delay(delay(spec), cancellationToken);
            return Result(spec.Track, spec.Entry, spec.Replication);
        }
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this one reports inline so the order is observable.</summary>
    private sealed class SynchronousProgress(Action<TournamentProgress> report) : IProgress<TournamentProgress>
    {
        public void Report(TournamentProgress value) => report(value);
    }
}
