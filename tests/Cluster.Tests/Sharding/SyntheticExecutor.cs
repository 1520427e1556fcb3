using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;
using NetnsPolicy.Tournaments.Tests;

namespace NetnsPolicy.Cluster.Tests.Sharding;

/// <summary>
/// Results as a pure function of the run (noisy, per entry a different effect), instantly; one chosen run throws, to
/// show a failed run is carried through a shard as the unsharded runner records it.
/// </summary>
internal sealed class SyntheticExecutor(string? failingEntry = null) : IRunExecutor
{
    public Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Entry == failingEntry && spec.Replication == 1)
        {
            throw new InvalidOperationException($"synthetic failure of {spec.Entry} on {spec.Track}");
        }

        var factor = 1 + (0.1 * (spec.Entry.Length % 5)) + (0.05 * spec.Track.Length);
        return Task.FromResult(Synthetic.Run(spec.Entry, spec.Track, spec.Replication, factor, noise: 0.08, changed: spec.Entry == "upstream" ? 0 : 1));
    }
}
