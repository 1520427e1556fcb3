using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Service.Tests.Support;

/// <summary>
/// A stand-in engine for scheduler tests: each simulation blocks until released or cancelled, so queue and
/// concurrency states can be held still and observed. Never used where results are checked.
/// </summary>
internal sealed class GatedExecutor : ISimulationExecutor, IDisposable
{
    private readonly SemaphoreSlim _release = new(0);
    private readonly SemaphoreSlim _started = new(0);
    private int _running;
    private int _maxRunning;

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public int Executed;

    /// <summary>Lets <paramref name="count"/> blocked simulations finish.</summary>
    public void Release(int count) => _release.Release(count);

    /// <summary>Waits until <paramref name="count"/> more simulations have started.</summary>
    public async Task WaitStartedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _started.WaitAsync(TestService.CallTimeout);
        }
    }

    public SimulationOutput Execute(SimulationInput input, IProgress<SimulationProgress> progress, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, now);
        try
        {
            _started.Release();
            progress.Report(new SimulationProgress("gated", 1_000, 0.5, 10));
            _release.Wait(cancellationToken);
            Interlocked.Increment(ref Executed);
            return new SimulationOutput("ok", "{}");
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
        _release.Dispose();
        _started.Dispose();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
