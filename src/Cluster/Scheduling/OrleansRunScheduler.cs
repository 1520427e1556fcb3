using Microsoft.Extensions.Options;
using NetnsPolicy.Cluster.Grains;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Scheduling;
using Orleans.Runtime;

namespace NetnsPolicy.Cluster.Scheduling;

/// <summary>
/// The cluster's scheduler (docs/cluster.md). Admission, ordering and fairness are the local scheduler's
/// (<see cref="FairRunQueue"/> on the silo that accepted the run); execution is a <see cref="ISimulationGrain"/> per
/// simulation, placed by Orleans on the silo with fewer activations. At most one simulation per slot of every active
/// silo is in flight (the dispatch window), so the queue order is the order simulations start in, as with the local
/// scheduler. A call that fails because its silo died (<see cref="OrleansException"/>: the membership protocol
/// declared it dead, or its connection broke) is sent again; the grain activates on a live silo and executes the
/// simulation anew — a pure function of its input, so re-execution is safe, and the store keys results by content
/// hash, so nothing is stored twice.
/// </summary>
internal sealed partial class OrleansRunScheduler : BackgroundService, IRunScheduler
{
    private static readonly TimeSpan WindowRecheck = TimeSpan.FromMilliseconds(250);
    private readonly FairRunQueue _queue;
    private readonly IGrainFactory _grains;
    private readonly IClusterMembershipService _membership;
    private readonly SiloSimulationSlots _slots;
    private readonly SiloCatalogs _catalogs;
    private readonly ILogger<OrleansRunScheduler> _logger;
    private readonly SemaphoreSlim _slotFreed = new(0);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _dispatches = new();
    private readonly ProgressRelay _progress = new();
    private readonly Lazy<ISimulationProgressObserver> _progressReference;
    private long _dispatchNumber;
    private readonly Dictionary<SiloAddress, int> _placed = [];
    private readonly Dictionary<SiloAddress, long> _lastPlaced = [];
    private long _placements;
    private readonly int _capacity;
    private int _inFlight;

    public OrleansRunScheduler(IGrainFactory grains, IClusterMembershipService membership, SiloSimulationSlots slots, SiloCatalogs catalogs,
        IOptions<ServiceOptions> options, ILogger<OrleansRunScheduler> logger)
    {
        _catalogs = catalogs;
        _grains = grains;
        _membership = membership;
        _slots = slots;
        _logger = logger;
        _capacity = options.Value.MaxQueuedRuns;
        _queue = new FairRunQueue(_capacity);
        _progressReference = new Lazy<ISimulationProgressObserver>(() => grains.CreateObjectReference<ISimulationProgressObserver>(_progress));
    }

    /// <summary>Attempts after which a simulation whose silos keep failing is given up (its run records the fault).</summary>
    internal const int MaxAttempts = 20;

    /// <summary>Refusals after which a simulation is given up (every silo refused, or a refusing activation kept answering).</summary>
    internal const int MaxRefusals = 10;

    /// <summary>Pause between attempts: the membership protocol needs a few probe periods to declare a silo dead.</summary>
    internal static TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public int ActiveRuns => _queue.ActiveRuns;

    /// <summary>Calls sent again after a silo failed them (for tests and metrics).</summary>
    public int Retries => Volatile.Read(ref _retries);

    private int _retries;

    /// <summary>Simulations placed again after a silo refused them (for tests and metrics).</summary>
    public int Replaced => Volatile.Read(ref _replaced);

    private int _replaced;

    public IRunReservation? TryReserve() => _queue.TryReserve();

    /// <summary>Simulations in flight at most: every active silo's slots (silos are assumed alike; this one's count).</summary>
    internal int Window()
    {
        var active = _membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Math.Max(1, active) * _slots.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.SchedulerStarted(_logger, _slots.SiloName, _capacity);
        try
        {
            while (true)
            {
                while (Volatile.Read(ref _inFlight) >= Window())
                {
                    await _slotFreed.WaitAsync(WindowRecheck, stoppingToken).ConfigureAwait(false);
                }

                var item = await _queue.TakeAsync(stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _inFlight);
                var dispatch = DispatchAsync(item, stoppingToken);
                _dispatches[dispatch] = true;
                _ = dispatch.ContinueWith(d => _dispatches.TryRemove(d, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: runs not drained stay stored as queued/running and resume on the next start.
        }
    }

    private async Task DispatchAsync(QueuedSimulation item, CancellationToken stoppingToken)
    {
        var run = item.Run;
        try
        {
            if (!run.Cancellation.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation, stoppingToken);
                try
                {
                    run.Observer.Started(item.Index);
                    var dispatch = Interlocked.Increment(ref _dispatchNumber);
                    _progress.Watch(dispatch, run.Observer, item.Index);
                    SimulationReply reply;
                    try
                    {
                        reply = await ExecuteAsync(run.RunId, item.Index, SimulationWork.From(item.Input), dispatch, linked.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _progress.Forget(dispatch);
                    }

                    run.Observer.Completed(item.Index, new SimulationOutput(reply.Status, reply.ResultJson));
                }
                catch (Exception e)
                {
                    if (e is not OperationCanceledException)
                    {
                        Log.SimulationFaulted(_logger, e, run.RunId, item.Index);
                    }

                    run.Observer.Faulted(item.Index, e);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slotFreed.Release();

            // Stopping, the run is not drained: it is left for the next start to resume (as the local scheduler does).
            if (!stoppingToken.IsCancellationRequested)
            {
                _queue.Finish(item);
            }
        }
    }

    private async Task<SimulationReply> ExecuteAsync(string runId, int index, SimulationWork work, long dispatch, CancellationToken cancellationToken)
    {
        var key = work.ContentHash();
        var refusedBy = new HashSet<SiloAddress>();
        string? placeOn = null;
        var refusals = 0;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SiloAddress? target = null;
            try
            {
                SimulationReply reply;
                try
                {
                    // The silos a new activation may go to (CatalogPlacementFilterDirector): after a silo refused, those
                    // that may run it; else the active silo with the fewest of this dispatcher's calls in flight.
                    target = placeOn is null ? LeastBusySilo() : null;
                    var filter = placeOn ?? target?.ToParsableString();
                    if (filter is not null)
                    {
                        RequestContext.Set(CatalogPlacementFilterStrategy.PlaceOnKey, filter);
                    }

                    var grain = refusals == 0 ? key : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key}#{refusals}");
                    reply = await _grains.GetGrain<ISimulationGrain>(grain).ExecuteAsync(work, _progressReference.Value, dispatch, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    RequestContext.Remove(CatalogPlacementFilterStrategy.PlaceOnKey);
                    if (target is not null)
                    {
                        lock (_placed)
                        {
                            _placed[target]--;
                        }
                    }
                }

                if (reply.Refusal is not { } refusal)
                {
                    return reply;
                }

                if (reply.Address is { } refuser)
                {
                    refusedBy.Add(refuser);
                }

                // Bounded: each silo refuses a simulation at most once (the next grain is placed among the others).
                if (++refusals > MaxRefusals)
                {
                    throw new InvalidOperationException(refusal);
                }

                var candidates = await PlaceAgainAsync(work, refusedBy, cancellationToken).ConfigureAwait(false);
                if (candidates.Count == 0)
                {
                    throw new InvalidOperationException(refusal);
                }

                placeOn = string.Join(',', candidates.Select(c => c.ToParsableString()));
                Interlocked.Increment(ref _replaced);
                Log.Replacing(_logger, runId, index, reply.Silo, string.Join(", ", candidates));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && !cancellationToken.IsCancellationRequested && attempt < MaxAttempts)
            {
                // The silo executing it died or became unreachable: the next call activates the grain on a live one.
                Interlocked.Increment(ref _retries);
                Log.Retrying(_logger, runId, index, attempt, e.GetType().Name, e.Message);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The active silo with the fewest of this dispatcher's calls in flight (ties: the one dispatched to longest ago),
    /// counted as placed; null when the membership lists none. Orleans' activation-count placement reads load
    /// statistics published about once a second, so after a silo died a survivor's cache could send every
    /// simulation to one silo for seconds (a 3-silo test saw one survivor execute none after the kill); the
    /// dispatcher knows its own calls at once.
    /// </summary>
    private SiloAddress? LeastBusySilo()
    {
        var active = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        if (active.Count == 0)
        {
            return null;
        }

        lock (_placed)
        {
            var best = active[0];
            foreach (var silo in active)
            {
                var (count, last) = (_placed.GetValueOrDefault(silo), _lastPlaced.GetValueOrDefault(silo));
                var (bestCount, bestLast) = (_placed.GetValueOrDefault(best), _lastPlaced.GetValueOrDefault(best));
                if (count < bestCount || (count == bestCount && last < bestLast))
                {
                    best = silo;
                }
            }

            _placed[best] = _placed.GetValueOrDefault(best) + 1;
            _lastPlaced[best] = ++_placements;
            return best;
        }
    }

    /// <summary>
    /// After a refusal: the active silos that have not refused and advertise the policy's assembly hash, else every
    /// active silo that has not refused (a stack's combined hash is advertised by no one); empty when none is left.
    /// </summary>
    private async Task<List<SiloAddress>> PlaceAgainAsync(SimulationWork work, HashSet<SiloAddress> refusedBy, CancellationToken cancellationToken)
    {
        var active = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)
            .Where(a => !refusedBy.Contains(a)).ToList();
        if (active.Count == 0)
        {
            return active;
        }

        var having = await _catalogs.HavingAsync(work.AssemblyHash, cancellationToken).ConfigureAwait(false);
        var advertising = active.Where(having.Contains).ToList();
        return advertising.Count > 0 ? advertising : active;
    }

    /// <summary>Stops dispatching, then waits for the calls in flight to end (their tokens are cancelled by the stop).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_dispatches.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        if (_progressReference.IsValueCreated)
        {
            _grains.DeleteObjectReference<ISimulationProgressObserver>(_progressReference.Value);
        }

        _queue.Dispose();
        _slotFreed.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Hands remote simulations' progress to their runs' observers: one object for the scheduler's life (Orleans holds
    /// object references weakly; the scheduler holds this one), simulations in flight by dispatch number.
    /// </summary>
    private sealed class ProgressRelay : ISimulationProgressObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (IRunObserver Observer, int Index)> _watched = new();

        public void Watch(long dispatch, IRunObserver observer, int index) => _watched[dispatch] = (observer, index);

        public void Forget(long dispatch) => _watched.TryRemove(dispatch, out _);

        public Task ReportAsync(long dispatch, ProgressUpdate progress)
        {
            // A report that arrives after its simulation ended is dropped.
            if (_watched.TryGetValue(dispatch, out var target))
            {
                target.Observer.Progress(target.Index, new NetnsPolicy.Simulation.SimulationProgress(progress.Phase, progress.SimulatedNs, progress.FractionDone, progress.Events));
            }

            return Task.CompletedTask;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Cluster scheduler started on silo {Silo}: at most {Capacity} runs admitted")]
        public static partial void SchedulerStarted(ILogger logger, string silo, int capacity);

        [LoggerMessage(2, LogLevel.Error, "Simulation {Index} of run {RunId} faulted")]
        public static partial void SimulationFaulted(ILogger logger, Exception error, string runId, int index);

        [LoggerMessage(4, LogLevel.Warning, "Simulation {Index} of run {RunId}: silo {Silo} refused it (it lacks the policy's bytes); placing it on {Target}")]
        public static partial void Replacing(ILogger logger, string runId, int index, string silo, string target);

        [LoggerMessage(3, LogLevel.Warning, "Simulation {Index} of run {RunId}: attempt {Attempt} failed ({Error}: {Message}); sending it again")]
        public static partial void Retrying(ILogger logger, string runId, int index, int attempt, string error, string message);
    }
}
