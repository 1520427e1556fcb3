using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// The in-process scheduler: a bounded set of admitted runs whose simulations wait in one FIFO per client, drained in
/// turns by one worker per core (<see cref="ServiceOptions.MaxConcurrentSimulations"/>). Simulations of one run spread
/// over all workers; a client's runs are served in admission order, clients in turn (fair queueing).
/// </summary>
internal sealed partial class LocalRunScheduler : BackgroundService, IRunScheduler
{
    // Fair queueing: one FIFO per client (ScheduledRun.Client), served in turns. A client with a thousand queued
    // simulations holds a worker for one of them, then goes to the back of the line behind every other client.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<WorkItem>> _queues = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly ISimulationExecutor _executor;
    private readonly ILogger<LocalRunScheduler> _logger;
    private readonly int _workers;
    private readonly int _capacity;
    private int _active;

    public LocalRunScheduler(ISimulationExecutor executor, IOptions<ServiceOptions> options, ILogger<LocalRunScheduler> logger)
    {
        _executor = executor;
        _logger = logger;
        _workers = options.Value.EffectiveConcurrency;
        _capacity = options.Value.MaxQueuedRuns;
    }

    public int ActiveRuns => Volatile.Read(ref _active);

    public IRunReservation? TryReserve()
    {
        while (true)
        {
            var active = Volatile.Read(ref _active);
            if (active >= _capacity)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _active, active + 1, active) == active)
            {
                return new Reservation(this);
            }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.SchedulerStarted(_logger, _workers, _capacity);

        // Simulations are CPU-bound and synchronous: each worker owns a thread for the service's lifetime.
        var workers = Enumerable.Range(0, _workers)
            .Select(_ => Task.Factory.StartNew(() => WorkAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
        return Task.WhenAll(workers);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _available.WaitAsync(stoppingToken).ConfigureAwait(false);
                if (TryTake(out var item))
                {
                    Execute(item, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: runs left in the channel stay stored as queued/running and resume on the next start.
        }
    }

    private void Execute(WorkItem item, CancellationToken stoppingToken)
    {
        var run = item.Run;
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (!run.Cancellation.IsCancellationRequested)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation, stoppingToken);
            try
            {
                run.Observer.Started(item.Index);
                var output = _executor.Execute(item.Input, new Progress(run.Observer, item.Index), linked.Token);
                run.Observer.Completed(item.Index, output);
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

        if (stoppingToken.IsCancellationRequested)
        {
            // The service is stopping: the run is not drained, it is left for the next start to resume.
            return;
        }

        if (item.Remaining.Decrement())
        {
            Interlocked.Decrement(ref _active);
            run.Observer.Drained();
        }
    }

    private void Admit(ScheduledRun run)
    {
        if (run.Simulations.Count == 0)
        {
            Interlocked.Decrement(ref _active);
            run.Observer.Drained();
            return;
        }

        var remaining = new Countdown(run.Simulations.Count);
        lock (_gate)
        {
            if (!_queues.TryGetValue(run.Client, out var queue))
            {
                queue = new Queue<WorkItem>();
                _queues[run.Client] = queue;
                _turns.AddLast(run.Client);
            }

            foreach (var (index, input) in run.Simulations)
            {
                queue.Enqueue(new WorkItem(run, index, input, remaining));
            }
        }

        _available.Release(run.Simulations.Count);
    }

    /// <summary>The next simulation of the client whose turn it is; that client goes to the back of the line.</summary>
    private bool TryTake(out WorkItem item)
    {
        lock (_gate)
        {
            if (_turns.First is not { } first)
            {
                item = null!;
                return false;
            }

            var queue = _queues[first.Value];
            item = queue.Dequeue();
            _turns.RemoveFirst();
            if (queue.Count > 0)
            {
                _turns.AddLast(first);
            }
            else
            {
                _queues.Remove(first.Value);
            }

            return true;
        }
    }

    public override void Dispose()
    {
        _available.Dispose();
        base.Dispose();
    }

    private sealed record WorkItem(ScheduledRun Run, int Index, SimulationInput Input, Countdown Remaining);

    private sealed class Countdown(int count)
    {
        private int _count = count;

        /// <summary>True for the call that brings the count to zero.</summary>
        public bool Decrement() => Interlocked.Decrement(ref _count) == 0;
    }

    private sealed class Progress(IRunObserver observer, int index) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => observer.Progress(index, value);
    }

    private sealed class Reservation(LocalRunScheduler owner) : IRunReservation
    {
        private int _state; // 0 reserved, 1 started, 2 released

        public void Start(ScheduledRun run)
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            {
                throw new InvalidOperationException("The reservation was already used or released.");
            }

            owner.Admit(run);
        }

        public void Dispose()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Interlocked.Decrement(ref owner._active);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Scheduler started: {Workers} simulation workers, at most {Capacity} runs admitted")]
        public static partial void SchedulerStarted(ILogger logger, int workers, int capacity);

        [LoggerMessage(2, LogLevel.Error, "Simulation {Index} of run {RunId} faulted")]
        public static partial void SimulationFaulted(ILogger logger, Exception error, string runId, int index);
    }
}
