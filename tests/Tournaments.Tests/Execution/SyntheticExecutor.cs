using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Tournaments.Tests.Execution;

/// <summary>An executor that makes up results from the entry name, counting how many runs are in flight.</summary>
public sealed class SyntheticExecutor(Func<RunSpec, double> factor) : IRunExecutor
{
    private int _inFlight;
    private int _maxInFlight;

    public int MaxInFlight => _maxInFlight;

    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    public Action<RunSpec>? OnRun { get; init; }

    public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            OnRun?.Invoke(spec);
            return Synthetic.Run(spec.Entry, spec.Track, spec.Replication, factor(spec), noise: 0.01);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
