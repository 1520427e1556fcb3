using System.Collections.Concurrent;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cluster.Tests.Scheduling;

/// <summary>
/// A simulation executor the contract tests steer: a simulation is named by its seed; policy <c>gate</c> waits for
/// <see cref="Open"/> (or cancellation), <c>fail</c> throws, anything else returns at once. Records the order
/// simulations start in, so ordering and fairness are measured, never timed.
/// </summary>
internal sealed class GateExecutor : ISimulationExecutor
{
    private readonly ConcurrentQueue<ulong> _started = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _entered = new();
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ulong> Started => [.. _started];

    /// <summary>Forgets what earlier tests did and closes the gate.</summary>
    public void Reset()
    {
        _started.Clear();
        _entered.Clear();
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open() => _gate.TrySetResult();

    /// <summary>Completes when simulation <paramref name="seed"/> has entered the executor.</summary>
    public Task EnteredAsync(ulong seed) => Entered(seed).Task;

    public SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
    {
        _started.Enqueue(input.Seed);
        Entered(input.Seed).TrySetResult();
        switch (input.PolicySpec)
        {
            case "gate":
                _gate.Task.Wait(cancellationToken);
                break;
            case "progress":
                // Reports while it waits, as the engine does while it runs (a relay may pass on only some reports).
                while (!_gate.Task.Wait(10, cancellationToken))
                {
                    progress.Report(new SimulationProgress("running workload", 1_000, 0.5, 42));
                }

                break;
            case "fail":
                throw new ArgumentException($"simulation {input.Seed} failed on purpose");
            case "refuse":
                // As EngineSimulationExecutor refuses a policy whose assemblies are not the ones the run was accepted with.
                throw new InvalidOperationException($"policy 'refuse' changed since the run was accepted (assembly hash {input.AssemblyHash} → other)");
        }

        return new SimulationOutput("ok", $$"""{"seed":{{input.Seed}}}""");
    }

    private TaskCompletionSource Entered(ulong seed) =>
        _entered.GetOrAdd(seed, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>A simulation input named <paramref name="seed"/> with behaviour <paramref name="policy"/>.</summary>
    public static SimulationInput Input(ulong seed, string policy = "gate") =>
        new("{}", "test-profile", policy, new Dictionary<string, string>(), "", seed, 0);
}

/// <summary>Records what a scheduler told the owner of a run.</summary>
internal sealed class RecordingObserver : IRunObserver
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SimulationProgress> _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first progress reported for any simulation of the run.</summary>
    public Task<SimulationProgress> FirstProgress => _progress.Task;

    public IReadOnlyList<string> Events => [.. _events];

    public Task Drained => _drained.Task;

    public ConcurrentDictionary<int, Exception> Faults { get; } = new();

    public ConcurrentDictionary<int, SimulationOutput> Outputs { get; } = new();

    void IRunObserver.Started(int index) => _events.Enqueue($"started {index}");

    void IRunObserver.Progress(int index, SimulationProgress progress) => _progress.TrySetResult(progress);

    void IRunObserver.Completed(int index, SimulationOutput output)
    {
        Outputs[index] = output;
        _events.Enqueue($"completed {index}");
    }

    void IRunObserver.Faulted(int index, Exception error)
    {
        Faults[index] = error;
        _events.Enqueue($"faulted {index}");
    }

    void IRunObserver.Drained()
    {
        _events.Enqueue("drained");
        _drained.TrySetResult();
    }
}
