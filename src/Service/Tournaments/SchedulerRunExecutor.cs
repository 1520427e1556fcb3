using NetnsPolicy.PluginHost;
using NetnsPolicy.Service.Persistence;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Service.Tournaments;

/// <summary>
/// Runs a tournament's simulations on the service's scheduler, so tournaments and runs share the cores fairly. When the
/// queue is full a simulation waits for room rather than failing (a failed simulation would disqualify its entry).
/// </summary>
internal sealed class SchedulerRunExecutor(
    IRunScheduler scheduler,
    IPolicyCatalog catalog,
    string tournamentId,
    TimeProvider time,
    SimulationBudget budget,
    string client = "",
    IRunStore? store = null) : IRunExecutor
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        string assemblyHash;
        string key;
        using (var lease = catalog.Acquire(spec.PolicySpec, spec.Parameters))
        {
            assemblyHash = lease.AssemblyHash;
            key = RunPlanner.ResultKey(RunPlanner.CanonicalWorkload(spec.WorkloadJson), KernelProfileLoader.ReadBuiltIn(spec.KernelProfile) ?? spec.KernelProfile,
                lease.PolicyId, lease.AssemblyHash, lease.Parameters.ToString(), spec.Seed, spec.Replication);
        }

        // A simulation the store has (this tournament's before a restart, or any run's) is not run again: a resumed
        // tournament gives the same results as an uninterrupted one.
        if (store is not null && store.FindResults([key]).TryGetValue(key, out var storedStatus) && storedStatus != RunStatus.BudgetExceeded)
        {
            var json = store.ReadResults([key])[key];
            store.AddTournamentResult(tournamentId, key, storedStatus, json);
            return RunResultJson.Deserialize(json);
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

        var (status, resultJson) = await observer.Result.WaitAsync(cancellationToken).ConfigureAwait(false);
        store?.AddTournamentResult(tournamentId, key, status, resultJson);
        return RunResultJson.Deserialize(resultJson);
    }

    /// <summary>Completes <see cref="Result"/> with the one simulation's outcome.</summary>
    private sealed class Observer : IRunObserver
    {
        private readonly TaskCompletionSource<(string Status, string Json)> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(string Status, string Json)> Result => _result.Task;

        public void Started(int index)
        {
        }

        public void Progress(int index, SimulationProgress progress)
        {
        }

        public void Completed(int index, SimulationOutput output) => _result.TrySetResult((output.Status, output.ResultJson));

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
