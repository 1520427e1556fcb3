using NetnsPolicy.Service.Tests.Support;

namespace NetnsPolicy.Service.Tests;

/// <summary>Store faults that show: a corrupt store stops the start with a message naming the file and what to do.</summary>
[TestFixture]
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
}
