using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// Store faults that show: a corrupt store stops the start naming the file and what to do; a full or read-only store
/// turns health NOT_SERVING, refuses new runs with UNAVAILABLE, fails the affected run with the cause and recovers by
/// itself. The full and read-only stores are a small tmpfs and a read-only bind mount the test makes (root).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class StoreFaultTests
{
    [Test]
    public async Task StartAsync_CorruptStore_RefusesToStartNamingTheFile()
    {
        using var db = new TempDatabase();
        await using (var service = await TestService.StartAsync(TestService.OptionsFor(db.Path)))
        {
            var run = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 5), deadline: TestService.Deadline());
            await service.CompleteAsync(run);
        }

        // Overwrite every page after the header page with deterministic garbage (the "random pages").
        var bytes = await File.ReadAllBytesAsync(db.Path);
        Assert.That(bytes.Length, Is.GreaterThan(4096 * 2), "the store has pages beyond its header");
        var random = new Random(13);
        for (var page = 1; page < bytes.Length / 4096; page++)
        {
            random.NextBytes(bytes.AsSpan(page * 4096, 4096));
        }

        await File.WriteAllBytesAsync(db.Path, bytes);
        File.Delete(db.Path + "-wal");
        File.Delete(db.Path + "-shm");

        var e = Assert.ThrowsAsync<InvalidOperationException>(async () => await TestService.StartAsync(TestService.OptionsFor(db.Path)));

        Assert.That(e!.Message, Does.Contain(db.Path).And.Contain("move the file aside"));
    }

    [Test]
    public async Task SubmitComparison_DiskFull_RunFailsWithCauseUnavailableNotServingThenRecovers()
    {
        using var dir = new TempDatabase();
        var mount = Path.Combine(dir.Directory, "tmpfs");
        Directory.CreateDirectory(mount);
        await Mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", mount);
        try
        {
            using var gate = new GatedExecutor();
            var options = TestService.OptionsFor(Path.Combine(mount, "runs.db"));
            await using var service = await TestService.StartAsync(options, b => b.Services.AddSingleton<ISimulationExecutor>(gate));
            var health = new Health.HealthClient(service.Channel);

            var run = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline());
            await gate.WaitStartedAsync(2);
            var filler = Path.Combine(mount, "filler");
            Fill(filler);
            gate.Release(2);

            var failed = await service.CompleteAsync(run);
            Assert.That(failed.State, Is.EqualTo(RunState.Failed));
            Assert.That(failed.StatusDetail, Does.Contain("cannot write"));
            var notServing = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
            Assert.That(notServing.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
            var refused = await RpcAssert.FailsWith(StatusCode.Unavailable,
                () => service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline()).ResponseAsync);
            Assert.That(refused.Status.Detail, Does.Contain("runs.db"));

            // Space returns: the store recovers by itself and the run is stored as failed with the cause.
            File.Delete(filler);
            var serving = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
            Assert.That(serving.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
            var stored = await service.Runs.GetRunAsync(new GetRunRequest { RunId = run.Id }, deadline: TestService.Deadline());
            Assert.That(stored.State, Is.EqualTo(RunState.Failed));
            Assert.That(stored.StatusDetail, Does.Contain("cannot write"));
            var accepted = await service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 3), deadline: TestService.Deadline());
            Assert.That(accepted.State, Is.EqualTo(RunState.Queued).Or.EqualTo(RunState.Running));
            await service.Runs.CancelRunAsync(new CancelRunRequest { RunId = accepted.Id }, deadline: TestService.Deadline());
        }
        finally
        {
            await Mount("-u", mount);
        }
    }

    [Test]
    public async Task StartAsync_ReadOnlyStore_NotServingAndUnavailableThenRecoversWhenWritable()
    {
        using var dir = new TempDatabase();
        await using (var first = await TestService.StartAsync(TestService.OptionsFor(dir.Path)))
        {
            await first.CompleteAsync(await first.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 1), deadline: TestService.Deadline()));
        }

        var view = Path.Combine(Path.GetTempPath(), "netns-policy-ro-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(view);
        await Mount("--bind", dir.Directory, view);
        try
        {
            await Mount("-o", "remount,bind,ro", view);
            await using var service = await TestService.StartAsync(TestService.OptionsFor(Path.Combine(view, "runs.db")));
            var health = new Health.HealthClient(service.Channel);

            var notServing = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
            var refused = await RpcAssert.FailsWith(StatusCode.Unavailable,
                () => service.Runs.SubmitComparisonAsync(Requests.Comparison(Workloads.Burst(10), 2), deadline: TestService.Deadline()).ResponseAsync);

            Assert.That(notServing.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
            Assert.That(refused.Status.Detail, Does.Contain("cannot write"));

            await Mount("-o", "remount,bind,rw", view);
            var serving = await health.CheckAsync(new HealthCheckRequest(), deadline: TestService.Deadline());
            Assert.That(serving.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
            var listed = await service.Runs.ListRunsAsync(new ListRunsRequest(), deadline: TestService.Deadline());
            Assert.That(listed.Runs, Has.Count.EqualTo(1), "the first service's run is served");
        }
        finally
        {
            await Mount("-u", view);
            Directory.Delete(view);
        }
    }

    /// <summary>Writes zeros to <paramref name="path"/> until the file system is full.</summary>
    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }

    /// <summary>Runs mount (or umount with <c>-u</c>); ignores the test where mounting is not allowed (not root).</summary>
    private static async Task Mount(params string[] args)
    {
        var umount = args[0] == "-u";
        var info = new ProcessStartInfo(umount ? "umount" : "mount") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in umount ? args[1..] : args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TestService.CallTimeout);
        await process.WaitForExitAsync().WaitAsync(TestService.CallTimeout);
        if (process.ExitCode != 0)
        {
            if (!umount && Environment.UserName != "root")
            {
                Assert.Ignore($"mounting needs root: {error}");
            }

            Assert.Fail($"{info.FileName} {string.Join(' ', info.ArgumentList)}: {error}");
        }
    }
}
