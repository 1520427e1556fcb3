using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;
using NetnsPolicy.Tournaments.Sharding;

namespace NetnsPolicy.Cluster.Tests.Sharding;

/// <summary>The merge on synthetic results (instant), against the unsharded <see cref="TournamentRunner"/>.</summary>
public sealed class ShardMergerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(18)]
    [TestCase(25)]
    public async Task Merge_EveryShardOfN_RendersAsTheUnshardedRunner(int n)
    {
        var text = ShardTournaments.Small();
        var tournament = TournamentLoader.Parse(text);
        var executor = new SyntheticExecutor(failingEntry: "uevent-skip");
        var unsharded = await new TournamentRunner(executor).RunAsync(tournament).WaitAsync(Timeout).ConfigureAwait(false);

        var merged = ShardMerger.Merge(await ShardsAsync(text, n, executor).ConfigureAwait(false));

        Assert.That(TournamentRenderer.ToJson(merged), Is.EqualTo(TournamentRenderer.ToJson(unsharded)));
        Assert.That(TournamentRenderer.ToJUnit(merged), Is.EqualTo(TournamentRenderer.ToJUnit(unsharded)));
        Assert.That(merged.Tracks.SelectMany(t => t.Scores).Count(s => s.Disqualified), Is.EqualTo(2), "the failed run disqualifies uevent-skip on both tracks");
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(7)]
    [TestCase(40)]
    public void Slice_EveryCount_PartitionsThePlanEvenly(int n)
    {
        var tournament = TournamentLoader.Parse(ShardTournaments.Small());
        var plan = TournamentPlan.Of(tournament);

        var slices = Enumerable.Range(1, n).Select(i => TournamentPlan.Slice(tournament, new ShardSpec(i, n))).ToArray();

        Assert.That(slices.SelectMany(s => s.Select(x => x.PlanIndex)).Order(), Is.EqualTo(Enumerable.Range(0, plan.Count)));
        Assert.That(slices.Max(s => s.Count) - slices.Min(s => s.Count), Is.LessThanOrEqualTo(1));
        Assert.That(slices.SelectMany(s => s).All(x => x.Spec == plan[x.PlanIndex]), Is.True);
    }

    [Test]
    public async Task Merge_ShardMissing_NamesTheMissingShards()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 4, new SyntheticExecutor()).ConfigureAwait(false);

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([shards[0], shards[2]]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("shards"));
        Assert.That(error.Errors.Single().Message, Does.Contain("2 of 4 shards missing: 2/4, 4/4"));
    }

    [Test]
    public async Task Merge_ShardGivenTwice_NamesBothFiles()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 2, new SyntheticExecutor()).ConfigureAwait(false);

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([shards[0], shards[1], ("copy.json", shards[1].Shard)]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("copy.json"));
        Assert.That(error.Errors.Single().Message, Does.Contain("is shard 2/2 again (also shard-2.json)"));
    }

    [Test]
    public async Task Merge_ShardsOfAnotherFile_NamesTheShard()
    {
        var executor = new SyntheticExecutor();
        var ours = await ShardsAsync(ShardTournaments.Small(), 3, executor).ConfigureAwait(false);
        var theirs = await ShardsAsync(ShardTournaments.Small(description: "edited"), 3, executor).ConfigureAwait(false);

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([ours[0], ("other/shard-2.json", theirs[1].Shard), ours[2]]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("other/shard-2.json"));
        Assert.That(error.Errors.Single().Message, Does.Contain("was run from another tournament file"));
    }

    [Test]
    public async Task Merge_OtherShardCount_NamesTheShard()
    {
        var executor = new SyntheticExecutor();
        var threes = await ShardsAsync(ShardTournaments.Small(), 3, executor).ConfigureAwait(false);
        var twos = await ShardsAsync(ShardTournaments.Small(), 2, executor).ConfigureAwait(false);

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([threes[0], ("two.json", twos[1].Shard), threes[2]]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("two.json"));
        Assert.That(error.Errors.Single().Message, Does.Contain("is shard 2/2, but shard-1.json is shard 1/3"));
    }

    [Test]
    public async Task Merge_OtherPolicyAssemblies_NamesTheEntry()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 2, new SyntheticExecutor()).ConfigureAwait(false);
        var first = shards[0].Shard with { Tournament = shards[0].Shard.Tournament with { PolicyAssemblies = new Dictionary<string, string> { ["uevent-skip"] = "aaaa" } } };
        var second = shards[1].Shard with { Tournament = shards[1].Shard.Tournament with { PolicyAssemblies = new Dictionary<string, string> { ["uevent-skip"] = "bbbb" } } };

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([("a.json", first), ("b.json", second)]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("b.json"));
        Assert.That(error.Errors.Single().Message, Does.Contain("ran uevent-skip with other policy assemblies"));
    }

    [Test]
    public async Task Merge_TournamentTextEdited_RefusesTheShard()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 1, new SyntheticExecutor()).ConfigureAwait(false);
        var edited = shards[0].Shard with { TournamentText = shards[0].Shard.TournamentText.Replace("\"replications\": 3", "\"replications\": 2", StringComparison.Ordinal) };

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([("edited.json", edited)]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("edited.json"));
        Assert.That(error.Errors.Single().Message, Does.Contain("does not match its recorded sha256"));
    }

    [Test]
    public async Task Merge_RunsOutOfPlace_NamesTheRun()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 2, new SyntheticExecutor()).ConfigureAwait(false);
        var runs = shards[1].Shard.Runs.ToArray();
        (runs[0], runs[1]) = (runs[1], runs[0]);

        var error = Assert.Throws<InputValidationException>(() => ShardMerger.Merge([shards[0], ("swapped.json", shards[1].Shard with { Runs = runs })]))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("swapped.json: runs[0]"));
        Assert.That(error.Errors.Single().Message, Does.Contain("is not simulation 1 of the plan"));
    }

    [Test]
    public async Task ShardFile_GzipRoundTrip_KeepsEveryResultBitForBit()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 3, new SyntheticExecutor()).ConfigureAwait(false);
        var shard = shards[1].Shard;
        using var file = new MemoryStream();
        await ShardFile.WriteAsync(shard, file, CancellationToken.None).WaitAsync(Timeout).ConfigureAwait(false);

        file.Position = 0;
        var back = await ShardFile.ReadAsync(file, "shard-2.json.gz", CancellationToken.None).WaitAsync(Timeout).ConfigureAwait(false);

        Assert.That(file.ToArray()[..2], Is.EqualTo(new byte[] { 0x1f, 0x8b }), "gzip on disk");
        Assert.That(back.Runs.Select(r => RunResultJson.Serialize(r.Result)), Is.EqualTo(shard.Runs.Select(r => RunResultJson.Serialize(r.Result))));
        Assert.That((back.Tournament.FileSha256, back.Tournament.PlanSha256, back.TournamentText), Is.EqualTo((shard.Tournament.FileSha256, shard.Tournament.PlanSha256, shard.TournamentText)));
    }

    [Test]
    public async Task ReadAsync_PlainJson_ReadsTheShard()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 2, new SyntheticExecutor()).ConfigureAwait(false);
        using var file = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(ShardFile.Serialize(shards[0].Shard)));

        var back = await ShardFile.ReadAsync(file, "plain.json", CancellationToken.None).WaitAsync(Timeout).ConfigureAwait(false);

        Assert.That(back.Runs.Select(r => r.PlanIndex), Is.EqualTo(shards[0].Shard.Runs.Select(r => r.PlanIndex)));
    }

    [Test]
    public async Task ReadAsync_TruncatedGzip_NamesTheFile()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 1, new SyntheticExecutor()).ConfigureAwait(false);
        using var whole = new MemoryStream();
        await ShardFile.WriteAsync(shards[0].Shard, whole, CancellationToken.None).WaitAsync(Timeout).ConfigureAwait(false);
        using var file = new MemoryStream(whole.ToArray()[..(int)(whole.Length / 2)]);

        var error = Assert.ThrowsAsync<InputValidationException>(() => ShardFile.ReadAsync(file, "broken.json.gz", CancellationToken.None).WaitAsync(Timeout))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("broken.json.gz"));
        Assert.That(error.Errors.Single().Message, Does.StartWith("not a tournament shard file"));
    }

    [TestCase("{\"schema_version\": 1, \"name\": \"x\"}", "not a tournament shard file")]
    [TestCase("not json", "invalid JSON")]
    [TestCase("{\"kind\": \"netns-policy-tournament-shard\", \"format_version\": 9}", "format version 9 is not supported")]
    [TestCase("{\"kind\": \"netns-policy-tournament-shard\", \"format_version\": 1, \"index\": 4, \"count\": 3}", "shard 4/3 is not a valid shard number")]
    [TestCase("{\"kind\": \"netns-policy-tournament-shard\", \"format_version\": 1, \"index\": 1, \"count\": 1, \"runs\": null}", "incomplete shard file")]
    public void Deserialize_NotAShard_NamesTheFile(string json, string reason)
    {
        var error = Assert.Throws<InputValidationException>(() => ShardFile.Deserialize(json, "x.json"))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("x.json"));
        Assert.That(error.Errors.Single().Message, Does.Contain(reason));
    }

    [Test]
    public async Task Deserialize_RunWithoutResult_NamesTheRun()
    {
        var shards = await ShardsAsync(ShardTournaments.Small(), 1, new SyntheticExecutor()).ConfigureAwait(false);
        var json = System.Text.Json.Nodes.JsonNode.Parse(ShardFile.Serialize(shards[0].Shard))!;
        json["runs"]![2]!["result"] = null;

        var error = Assert.Throws<InputValidationException>(() => ShardFile.Deserialize(json.ToJsonString(), "x.json"))!;

        Assert.That(error.Errors.Single().Field, Is.EqualTo("x.json: runs[2]"));
        Assert.That(error.Errors.Single().Message, Does.Contain("incomplete run"));
    }

    [Test]
    public void RunAsync_SliceNotDoneWithinTheFilesBudget_FailsWhole()
    {
        var tournament = TournamentLoader.Parse(ShardTournaments.Small()) with { TimeBudget = TimeSpan.FromMilliseconds(50) };
        var runner = new ShardRunner(new NeverFinishingExecutor());

        var error = Assert.ThrowsAsync<TimeoutException>(() => runner.RunAsync(ShardTournaments.Small(), tournament, new ShardSpec(1, 2), catalog: null).WaitAsync(Timeout))!;

        Assert.That(error.Message, Does.Contain("shard 1/2 of small finished 0 of its 9 simulations within the file's time_budget_seconds"));
    }

    private static async Task<(string Source, ShardResult Shard)[]> ShardsAsync(string text, int n, IRunExecutor executor)
    {
        var tournament = TournamentLoader.Parse(text);
        var shards = new (string, ShardResult)[n];
        for (var i = 1; i <= n; i++)
        {
            shards[i - 1] = ($"shard-{i}.json", await new ShardRunner(executor).RunAsync(text, tournament, new ShardSpec(i, n), catalog: null).WaitAsync(Timeout).ConfigureAwait(false));
        }

        return shards;
    }

    /// <summary>Ends only by cancellation, so the deadline is the only way the shard can end.</summary>
    private sealed class NeverFinishingExecutor : IRunExecutor
    {
        public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException("unreachable");
        }
    }
}
