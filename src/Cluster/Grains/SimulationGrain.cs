using System.Diagnostics.Metrics;
using NetnsPolicy.Cluster.Hosting;
using NetnsPolicy.Cluster.Scheduling;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using Orleans.Placement;
using Orleans.Runtime;

namespace NetnsPolicy.Cluster.Grains;

/// <summary>
/// Executes one simulation on the silo Orleans placed it on. Placement by activation count (of two silos sampled, the
/// one with fewer activations): an activation lives as long as its simulation — it deactivates once it has answered —
/// so activations are a silo's load, and a silo that joins takes work at once. Not a stateless worker, which always
/// activates on the calling silo and would run everything where the run was accepted.
/// </summary>
[ActivationCountBasedPlacement]
[CatalogPlacementFilter]
internal sealed partial class SimulationGrain(
    ISimulationExecutor executor,
    SiloSimulationSlots slots,
    ExecutionLog log,
    ILocalSiloDetails localSilo,
    ILogger<SimulationGrain> logger) : Grain, ISimulationGrain
{
    private SimulationReply? _done;

    public async Task<SimulationReply> ExecuteAsync(SimulationWork work, ISimulationProgressObserver? progress, long dispatch, CancellationToken cancellationToken)
    {
        // Calls are not interleaved: a second request for the same simulation waits for the first and gets its reply.
        if (_done is { } done)
        {
            return done;
        }

        // Keyed by the content hash; after a refusal the scheduler uses HASH#N, a grain no silo's directory cache knows,
        // so that it is placed anew (CatalogPlacementFilterDirector) rather than sent to the refusing silo again.
        var key = this.GetPrimaryKeyString();
        var hash = work.ContentHash();
        if (key != hash && !key.StartsWith(hash + "#", StringComparison.Ordinal))
        {
            throw new ArgumentException($"simulation grain {key} was sent another simulation ({hash})", nameof(work));
        }

        await slots.WaitAsync(cancellationToken);
        SimulationOutput output;
        try
        {
            // The engine is synchronous and CPU-bound: off the grain's scheduler, on a pool thread.
            var input = work.ToInput();
            IProgress<SimulationProgress> relay = progress is null ? NoProgress.Instance : new ProgressRelay(progress, dispatch);
            output = await Task.Run(() => Execute(input, relay, cancellationToken), cancellationToken);
        }
        catch (RefusedException e)
        {
            // Not this silo's to run: the activation goes, so that the scheduler can place the simulation on a silo
            // that has the policy's bytes (it leaves this silo out).
            DeactivateOnIdle();
            return new SimulationReply("", "", slots.SiloName) { Refusal = e.Message, Address = localSilo.SiloAddress };
        }
        finally
        {
            slots.Release();
        }

        await log.RecordAsync(hash, output, cancellationToken);
        _done = new SimulationReply(output.Status, output.ResultJson, slots.SiloName);
        DeactivateOnIdle();
        return _done;
    }

    private SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            return executor.Execute(input, progress, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or InputValidationException)
        {
            // Another plugin version, a missing policy (the catalog names it unknown) or profile: this silo refuses
            // rather than run other bytes.
            Log.Refused(logger, e, slots.SiloName, input.PolicySpec);
            throw new RefusedException($"silo {slots.SiloName} refused the simulation: {e.Message}");
        }
    }

    /// <summary>
    /// Sends progress to the dispatching silo at most once per <see cref="Interval"/> of wall time, the first once the
    /// simulation has run that long: a short simulation sends none (its completion says it all), a long one is watched
    /// (what a watcher sees, never what a result holds).
    /// </summary>
    private sealed class ProgressRelay(ISimulationProgressObserver observer, long dispatch) : IProgress<SimulationProgress>
    {
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
        private long _last = System.Diagnostics.Stopwatch.GetTimestamp();

        public void Report(SimulationProgress value)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (System.Diagnostics.Stopwatch.GetElapsedTime(_last, now) < Interval)
            {
                return;
            }

            _last = now;
            _ = observer.ReportAsync(dispatch, new ProgressUpdate(value.Phase, value.SimulatedNs, value.FractionDone, value.Events));
        }
    }

    /// <summary>This silo's catalog cannot run the simulation's policy bytes (never leaves the grain).</summary>
    private sealed class RefusedException(string message) : Exception(message);

    private sealed class NoProgress : IProgress<SimulationProgress>
    {
        public static readonly NoProgress Instance = new();

        public void Report(SimulationProgress value)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Silo {Silo} refused a simulation of {Policy}")]
        public static partial void Refused(ILogger logger, Exception error, string silo, string policy);
    }
}

/// <summary>The simulations this silo executes at once (the service's <c>MaxConcurrentSimulations</c>, else one per core).</summary>
internal sealed class SiloSimulationSlots(int slots, string siloName) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    public int Count { get; } = slots;

    public string SiloName { get; } = siloName;

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}

/// <summary>
/// Which silo executed which simulation: one row per execution in <c>netns_cluster_executions</c> (re-executions after a
/// silo's death show as a second row of the same content hash), and the <c>netns_policy.cluster.simulations</c> counter
/// on the <c>NetnsPolicy.Cluster</c> meter, tagged with the silo and the status.
/// </summary>
internal sealed class ExecutionLog(Npgsql.NpgsqlDataSource dataSource, SiloSimulationSlots slots) : IDisposable
{
    public const string MeterName = "NetnsPolicy.Cluster";

    private readonly Meter _meter = new(MeterName);
    private Counter<long>? _executed;

    public async Task RecordAsync(string contentHash, SimulationOutput output, CancellationToken cancellationToken)
    {
        _executed ??= _meter.CreateCounter<long>("netns_policy.cluster.simulations", description: "Simulations executed by this silo");
        _executed.Add(1, new KeyValuePair<string, object?>("silo", slots.SiloName), new KeyValuePair<string, object?>("status", output.Status));
        await using var command = dataSource.CreateCommand(
            "INSERT INTO netns_cluster_executions (content_hash, silo, status, result_bytes) VALUES (@hash, @silo, @status, @bytes)");
        command.Parameters.AddWithValue("hash", contentHash);
        command.Parameters.AddWithValue("silo", slots.SiloName);
        command.Parameters.AddWithValue("status", output.Status);
        command.Parameters.AddWithValue("bytes", System.Text.Encoding.UTF8.GetByteCount(output.ResultJson));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _meter.Dispose();
}
