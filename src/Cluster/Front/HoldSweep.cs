using NetnsPolicy.Cluster.Hosting;
using NetnsPolicy.Cluster.Scheduling;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Tournaments;

namespace NetnsPolicy.Cluster.Front;

/// <summary>
/// Takes over what dead silos held: at start and every <see cref="ClusterSettings.SweepInterval"/>, each silo asks the
/// grain of every run and tournament the shared store has unfinished and this silo does not run to make sure it is
/// held. A live holder's activation answers at once; the work of a dead silo (its advisory locks went with its
/// connection, and the directory forgot its activations) is taken over by the silo where the grain activates — the
/// first to ask — and runs on from its stored results (completed simulations are served from the store, not re-run).
/// Two small reads a sweep; nothing per watcher. Each tick also advertises this silo's catalog (<see cref="SiloCatalogs"/>).
/// </summary>
internal sealed partial class HoldSweep(
    IServiceProvider services,
    SiloCatalogs catalogs,
    IGrainFactory grains,
    ClusterSettings settings,
    ILogger<HoldSweep> logger) : BackgroundService
{
    /// <summary>A call to a holder that is dying is broken by the membership protocol; this bounds one that hangs alive.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.SweepInterval);
        do
        {
            try
            {
                // The catalog's hashes too, when they changed (plugins folders are watched).
                await catalogs.AdvertiseAsync(stoppingToken).ConfigureAwait(false);
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.SweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        // A host that runs the scheduler alone (the contract suite's) has no runs to take over.
        if (services.GetService<IRunStore>() is not { } store || services.GetService<RunCoordinator>() is not { } runs
            || services.GetService<TournamentCoordinator>() is not { } tournaments || (store.Fault is not null && !store.TryRecover()))
        {
            return;
        }

        var work = new List<(string Id, Func<Task<bool>> Ensure)>();
        work.AddRange(store.UnfinishedRunIds().Where(id => !runs.IsLive(id)).Select(id => (id, (Func<Task<bool>>)(() => grains.GetGrain<IRunGrain>(id).EnsureHeldAsync()))));
        work.AddRange(store.RunningTournamentIds().Where(id => !tournaments.IsHeld(id)).Select(id => (id, (Func<Task<bool>>)(() => grains.GetGrain<ITournamentGrain>(id).EnsureHeldAsync()))));
        foreach (var (id, ensure) in work)
        {
            try
            {
                await ensure().WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // Its holder is dying: the next sweep finds the grain on a live silo.
                Log.EnsureFailed(logger, id, e.GetType().Name, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Warning, "Sweep for unheld runs and tournaments failed")]
        public static partial void SweepFailed(ILogger logger, Exception error);

        [LoggerMessage(51, LogLevel.Information, "Sweep: the holder of {Id} did not answer ({Error}: {Message}); asking again next sweep")]
        public static partial void EnsureFailed(ILogger logger, string id, string error, string message);
    }
}
