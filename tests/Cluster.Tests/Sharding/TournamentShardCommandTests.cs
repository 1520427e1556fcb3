using NetnsPolicy.Cli;
using NetnsPolicy.Cli.Tests.Support;

namespace NetnsPolicy.Cluster.Tests.Sharding;

/// <summary>
/// <c>tournament FILE --shard i/n</c> then <c>tournament merge</c>, end to end, against the unsharded
/// <c>tournament FILE</c> on the embedded service: the same files, stdout and exit code, byte for byte.
/// </summary>
public sealed class TournamentShardCommandTests
{
    private static readonly string[] Artifacts = ["tournament.json", "junit.xml", "summary.md", "report.html"];
    private TempFolder _folder = null!;
    private string _file = "";
    private string _unsharded = "";
    private CliOutcome _unshardedOutcome = null!;

    [OneTimeSetUp]
    public async Task RunUnsharded()
    {
        _folder = new TempFolder();
        _file = _folder.File("small.json", ShardTournaments.Small());
        _unsharded = Path.Combine(_folder.Path, "unsharded");
        _unshardedOutcome = await CliHarness.RunAsync("tournament", _file, "--out", _unsharded, "--gate-lines").ConfigureAwait(false);
        Assert.That(_unshardedOutcome.ExitCode, Is.EqualTo(ExitCodes.GateFailed), "the small tournament has a failing must-act gate: " + _unshardedOutcome);
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(7)]
    public async Task Merge_ShardsOfN_ByteIdenticalToTheUnshardedRun(int n)
    {
        var shards = Path.Combine(_folder.Path, $"shards-{n}");
        for (var i = 1; i <= n; i++)
        {
            var shard = await CliHarness.RunAsync("tournament", _file, "--shard", $"{i}/{n}", "--out", shards).ConfigureAwait(false);
            Assert.That(shard.ExitCode, Is.EqualTo(ExitCodes.Ok), shard.ToString);
        }

        var merged = Path.Combine(_folder.Path, $"merged-{n}");
        var files = Enumerable.Range(1, n).Select(i => Path.Combine(shards, $"shard-{i}-of-{n}.json.gz")).Reverse();
        var outcome = await CliHarness.RunAsync(["tournament", "merge", .. files, "--out", merged, "--gate-lines"]).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(_unshardedOutcome.ExitCode), outcome.ToString);
        Assert.That(outcome.Out, Is.EqualTo(_unshardedOutcome.Out), "ranking, summary and gate lines on stdout");
        Assert.That(outcome.Out, Does.Contain("GATE-FAIL must-act: batching[batch_size=100000] on burst"));
        foreach (var artifact in Artifacts)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(merged, artifact)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_unsharded, artifact))), artifact);
        }
    }

    [Test]
    public async Task Shard_WithBudget_RefusedNamingBudget()
    {
        var outcome = await CliHarness.RunAsync("tournament", _file, "--shard", "1/2", "--budget", "60", "--out", Path.Combine(_folder.Path, "budget")).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("error: --budget: cannot be combined with --shard"));
        Assert.That(Directory.Exists(Path.Combine(_folder.Path, "budget")), Is.False);
    }

    [Test]
    public async Task Shard_IndexBeyondCount_RefusedNamingShard()
    {
        var outcome = await CliHarness.RunAsync("tournament", _file, "--shard", "4/3", "--out", Path.Combine(_folder.Path, "bad")).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("error: --shard: '4/3': the shard index must be 1–3"));
    }

    [Test]
    public async Task Shard_WithoutOut_RefusedNamingOut()
    {
        var outcome = await CliHarness.RunAsync("tournament", _file, "--shard", "1/3").ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain("error: --out: required with --shard"));
    }

    [Test]
    public async Task Merge_ShardOfAnEditedFile_RefusedNamingTheShard()
    {
        var shards = Path.Combine(_folder.Path, "mixed");
        var edited = _folder.File("edited.json", ShardTournaments.Small(description: "edited"));
        var ran = await CliHarness.RunAsync("tournament", _file, "--shard", "1/2", "--out", shards).ConfigureAwait(false);
        Assert.That(ran.ExitCode, Is.EqualTo(ExitCodes.Ok), ran.ToString);
        var odd = Path.Combine(_folder.Path, "odd");
        ran = await CliHarness.RunAsync("tournament", edited, "--shard", "2/2", "--out", odd).ConfigureAwait(false);
        Assert.That(ran.ExitCode, Is.EqualTo(ExitCodes.Ok), ran.ToString);
        var oddShard = Path.Combine(odd, "shard-2-of-2.json.gz");

        var outcome = await CliHarness.RunAsync("tournament", "merge", Path.Combine(shards, "shard-1-of-2.json.gz"), oddShard, "--out", Path.Combine(_folder.Path, "mixed-out")).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain($"error: {oddShard}: was run from another tournament file"));
        Assert.That(Directory.Exists(Path.Combine(_folder.Path, "mixed-out")), Is.False, "nothing written from mismatched shards");
    }

    [Test]
    public async Task Merge_NoSuchFile_RefusedNamingIt()
    {
        var missing = Path.Combine(_folder.Path, "nope.json");

        var outcome = await CliHarness.RunAsync("tournament", "merge", missing).ConfigureAwait(false);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.BadInput), outcome.ToString);
        Assert.That(outcome.Error, Does.Contain($"error: {missing}: shard file does not exist"));
    }
}
