using NetnsPolicy.PluginHost;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Service.Tournaments;

/// <summary>
/// Runs a tournament's simulations on the service's scheduler, so tournaments and runs share the cores fairly. When the
/// queue is full a simulation waits for room rather than failing (a failed simulation would disqualify its entry).
/// </summary>
internal sealed class SchedulerRunExecutor(IRunScheduler scheduler, IPolicyCatalog catalog, string tournamentId, TimeProvider time, SimulationBudget budget, string client = "") : IRunExecutor
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        string assemblyHash;
        using (var lease = catalog.Acquire(spec.PolicySpec, spec.Parameters))
        {
            assemblyHash = lease.AssemblyHash;
        }

        var input = new SimulationInput(spec.WorkloadJson, spec.KernelProfile, spec.PolicySpec, spec.Parameters, assemblyHash, spec.Seed, spec.Replication, budget);
        IRunReservation? reservation;
        while ((reservation = scheduler.TryReserve()) is null)
        {
            await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
        }

        var observer = new Observer();
        using (reservation)
        {
            reservation.Start(new ScheduledRun($"tournament {tournamentId}: {spec.Track}/{spec.Entry}", [KeyValuePair.Create(0, input)], observer, cancellationToken) { Client = client });
        }

        return await observer.Result.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes <see cref="Result"/> with the one simulation's outcome.</summary>
    private sealed class Observer : IRunObserver
    {
        private readonly TaskCompletionSource<RunResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<RunResult> Result => _result.Task;

        public void Started(int index)
        {
        }

        public void Progress(int index, SimulationProgress progress)
        {
        }

        public void Completed(int index, SimulationOutput output) => _result.TrySetResult(RunResultJson.Deserialize(output.ResultJson));

        public void Faulted(int index, Exception error)
        {
            if (error is OperationCanceledException canceled)
            {
                _result.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _result.TrySetException(error);
            }
        }

        public void Drained() => _result.TrySetCanceled();
    }
}
