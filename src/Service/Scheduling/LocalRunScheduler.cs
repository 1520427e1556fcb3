using Microsoft.Extensions.Options;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Scheduling;

/// <summary>
/// The in-process scheduler: a bounded set of admitted runs whose simulations wait in one FIFO per client
/// (<see cref="FairRunQueue"/>), drained in turns by one worker per core (<see cref="ServiceOptions.MaxConcurrentSimulations"/>).
/// Simulations of one run spread over all workers; a client's runs are served in admission order, clients in turn.
/// </summary>
internal sealed partial class LocalRunScheduler : BackgroundService, IRunScheduler
{
    private readonly FairRunQueue _queue;
    private readonly ISimulationExecutor _executor;
    private readonly ILogger<LocalRunScheduler> _logger;
    private readonly int _workers;
    private readonly int _capacity;

    public LocalRunScheduler(ISimulationExecutor executor, IOptions<ServiceOptions> options, ILogger<LocalRunScheduler> logger)
    {
        _executor = executor;
        _logger = logger;
        _workers = options.Value.EffectiveConcurrency;
        _capacity = options.Value.MaxQueuedRuns;
        _queue = new FairRunQueue(_capacity);
    }

    public int ActiveRuns => _queue.ActiveRuns;

    public IRunReservation? TryReserve() => _queue.TryReserve();

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
                var item = await _queue.TakeAsync(stoppingToken).ConfigureAwait(false);
                Execute(item, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: runs left in the channel stay stored as queued/running and resume on the next start.
        }
    }

    private void Execute(QueuedSimulation item, CancellationToken stoppingToken)
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

        _queue.Finish(item);
    }

    public override void Dispose()
    {
        _queue.Dispose();
        base.Dispose();
    }

    private sealed class Progress(IRunObserver observer, int index) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => observer.Progress(index, value);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Scheduler started: {Workers} simulation workers, at most {Capacity} runs admitted")]
        public static partial void SchedulerStarted(ILogger logger, int workers, int capacity);

        [LoggerMessage(2, LogLevel.Error, "Simulation {Index} of run {RunId} faulted")]
        public static partial void SimulationFaulted(ILogger logger, Exception error, string runId, int index);
    }
}
