using System.Collections.Concurrent;
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
/// A simulation run here hands over its result object with its JSON, which is stored and not parsed back; one served
/// from the store is parsed. The canonical workload and profile text of the result keys are computed once per track.
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
    private readonly ConcurrentDictionary<string, string> _canonicalWorkloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _profiles = new(StringComparer.Ordinal);

    public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        string assemblyHash;
        string key;
        using (var lease = catalog.Acquire(spec.PolicySpec, spec.Parameters))
        {
            assemblyHash = lease.AssemblyHash;
            key = RunPlanner.ResultKey(
                _canonicalWorkloads.GetOrAdd(spec.WorkloadJson, RunPlanner.CanonicalWorkload),
                _profiles.GetOrAdd(spec.KernelProfile, id => KernelProfileLoader.ReadBuiltIn(id) ?? id),
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

        var output = await observer.Result.WaitAsync(cancellationToken).ConfigureAwait(false);
        store?.AddTournamentResult(tournamentId, key, output.Status, output.ResultJson);
        return output.Result ?? RunResultJson.Deserialize(output.ResultJson);
    }

    /// <summary>Completes <see cref="Result"/> with the one simulation's outcome.</summary>
    private sealed class Observer : IRunObserver
    {
        private readonly TaskCompletionSource<SimulationOutput> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SimulationOutput> Result => _result.Task;

        public void Started(int index)
        {
        }

        public void Progress(int index, SimulationProgress progress)
        {
        }

        public void Completed(int index, SimulationOutput output) => _result.TrySetResult(output);

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
