using Google.Rpc;
using Grpc.Core;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>
/// Runs a tournament's simulations on the service (embedded or remote) through <c>RunService.SubmitRun</c>, so the
/// service's queue, one-simulation-per-core scheduling and result store do the work.
/// </summary>
/// <remarks>
/// The API runs replications 0..n−1 of a seed, not replication r alone, so replication r is asked for as a run of
/// r + 1 replications. The replications of one (track, entry) cell are submitted one after another: when r is
/// submitted, 0..r−1 are finished and served from the store by their content hash, and only r is simulated.
/// </remarks>
internal sealed class ServiceRunExecutor(RunService.RunServiceClient runs, string tournamentName) : IRunExecutor
{
    /// <summary>How long a submission refused because the service's queue is full waits before trying again.</summary>
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>Per call: generous, since a simulation may legitimately run for minutes; the service's own run timeout still applies.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Track, string Entry), Task> _lastOfCell = [];

    public Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (_gate)
        {
            var key = (spec.Track, spec.Entry);
            var previous = _lastOfCell.GetValueOrDefault(key, Task.CompletedTask);
            var task = RunAfterAsync(previous, spec, cancellationToken);
            _lastOfCell[key] = task;
            return task;
        }
    }

    private async Task<RunResult> RunAfterAsync(Task previous, RunSpec spec, CancellationToken cancellationToken)
    {
        // Only the order matters here: the previous replication's failure is the runner's to record, not this one's.
        await previous.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var run = await SubmitAsync(spec, cancellationToken).ConfigureAwait(false);
        try
        {
            await WaitForEndAsync(run.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await TryCancelAsync(run.Id).ConfigureAwait(false);
            throw;
        }

        var finished = await runs.GetRunAsync(new GetRunRequest { RunId = run.Id, IncludeResults = true }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var outcome = finished.Simulations.FirstOrDefault(s => s.Seed == spec.Seed && s.Replication == spec.Replication);

        // A simulation that ended badly (OOM, stall, policy fault) still has a result saying so: the scorer disqualifies it.
        if (outcome is { ResultJson.Length: > 0 })
        {
            return RunResultJson.Deserialize(outcome.ResultJson);
        }

        throw new InvalidOperationException($"run {finished.Id} ended {finished.State} without a result for seed {spec.Seed} replication {spec.Replication}: {finished.StatusDetail}");
    }

    private async Task<Run> SubmitAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var request = new SubmitRunRequest
        {
            Workload = new WorkloadSource { Json = spec.WorkloadJson },
            KernelProfile = spec.KernelProfile,
            Policy = spec.PolicySpec,
            Seeds = new SeedPlan { Seeds = { spec.Seed }, Replications = spec.Replication + 1 },
            Description = $"tournament {tournamentName}: {spec.Entry} on {spec.Track}, replication {spec.Replication}",
        };
        foreach (var (name, value) in spec.Parameters)
        {
            request.Parameters[name] = value;
        }
        while (true)
        {
            try
            {
                return await runs.SubmitRunAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && IsQueueFull(e))
            {
                // The queue is shared with other clients; a full one drains as simulations finish.
                await Task.Delay(QueueFullBackoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForEndAsync(string runId, CancellationToken cancellationToken)
    {
        using var call = runs.WatchRun(new WatchRunRequest { RunId = runId }, cancellationToken: cancellationToken);
        await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (progress.FinalRun is not null)
            {
                return;
            }
        }
    }

    private async Task TryCancelAsync(string runId)
    {
        try
        {
            await runs.CancelRunAsync(new CancelRunRequest { RunId = runId }, deadline: DateTime.UtcNow.AddSeconds(5)).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // Best effort: the tournament is being abandoned anyway.
        }
    }

    private static bool IsQueueFull(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<QuotaFailure>()?.Violations.Any(v => v.Subject == "queue") == true;

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;
}
