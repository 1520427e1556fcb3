using System.Security.Cryptography;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Reports;

/// <summary>
/// What the identical-to-baseline check compares of a run (<see cref="ComparisonReportBuilder"/>): first its integer
/// counters (<see cref="SameCounters"/>), then the SHA-256 of its JSON (<see cref="RunResultJson"/>) with the policy's
/// identity (name, parameters, decisions) blanked. Equal JSON gives equal digests and different JSON different ones
/// (bar a SHA-256 collision), so comparing digests is comparing the JSON. Taken when a run ends, it lets a holder drop
/// what only the JSON needed (<see cref="Lighten"/>): a tournament kept every run's series and profile until it was
/// scored, ≈ 20 MiB promoted into gen2 that the GC pauses copied (docs/benchmarks.md, "Issue 16, eighth round").
/// </summary>
public static class RunFingerprint
{
    private static readonly IReadOnlyDictionary<string, DecisionCount> NoDecisions = new Dictionary<string, DecisionCount>();
    private static readonly RunSeries NoSeries = new();
    private static readonly ProfileNode NoProfile = new();

    /// <summary>
    /// The run's fingerprint: the one it carries (<see cref="RunResult.Fingerprint"/>), else computed from it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run was lightened without one (<see cref="LightenUnfingerprinted"/>).</exception>
    public static byte[] Of(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Fingerprint is { Length: 0 })
        {
            throw new InvalidOperationException($"replication {run.Replication} of {run.Policy} lost its series and profile without a fingerprint: its counters were to tell it from the baseline's");
        }

        return run.Fingerprint ?? Compute(run);
    }

    /// <summary>The run carrying its fingerprint (computed once; the run's parts all kept).</summary>
    public static RunResult Attach(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Fingerprint is null ? run with { Fingerprint = Compute(run) } : run;
    }

    /// <summary>
    /// The run without its series, profile, probe creations and cleanup runs, carrying its fingerprint: every other field kept, which
    /// is all a report reads of a run but the first replication's series and profile (scalar metrics, status, oracle
    /// violations, decisions, locks, RCU and uevent counts, the counters the check compares first).
    /// </summary>
    public static RunResult Lighten(RunResult run) => Attach(run) with { Series = NoSeries, Profile = NoProfile, ProbeCreations = [], CleanupRuns = [] };

    /// <summary>
    /// <see cref="Lighten"/> without the fingerprint's cost (the run's JSON serialized, ≈ 1 ms), for a run whose counters
    /// differ from those of the baseline's run of the same replication: the check then tells its policy apart before it
    /// reads any fingerprint. It carries an empty one, which <see cref="Of"/> refuses rather than digest what is left.
    /// </summary>
    public static RunResult LightenUnfingerprinted(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with { Series = NoSeries, Profile = NoProfile, ProbeCreations = [], CleanupRuns = [], Fingerprint = run.Fingerprint ?? [] };
    }

    /// <summary>
    /// Whether two runs agree on their integer counters (events, steps, nets created and freed, peak memory, batches):
    /// fields of the JSON, so runs that differ there differ in their JSON, and the check compares them first.
    /// </summary>
    public static bool SameCounters(RunResult a, RunResult b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Events == b.Events && a.Steps == b.Steps && a.NetsCreated == b.NetsCreated && a.NetsFreed == b.NetsFreed && a.PeakMemoryBytes == b.PeakMemoryBytes && a.Batches == b.Batches;
    }

    /// <summary>Streamed into the hash through the serializer's pooled buffers: the JSON (0.1–0.4 MB) is never held whole.</summary>
    private static byte[] Compute(RunResult run)
    {
        using var hash = new HashStream();
        RunResultJson.Serialize(hash, run with { Policy = "", PolicyParameters = "", Decisions = NoDecisions });
        return hash.Digest();
    }

    /// <summary>A write-only stream feeding SHA-256.</summary>
    private sealed class HashStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Digest() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
