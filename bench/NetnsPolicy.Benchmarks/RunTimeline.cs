using System.Diagnostics;
using System.Globalization;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// An <see cref="IRunExecutor"/> around the tournament's own that records when each simulation started and ended and on
/// which worker slot (the runner keeps at most its parallelism in flight, so a run takes the lowest free slot), the
/// process's allocation over it and its engine event count. From that <see cref="Summarise"/> splits a run's wall into
/// what the simulations took and what each slot spent idle: before its first simulation, between simulations (the
/// runner's dispatch, and scoring a finished track in that slot), after its last one while the other slot still ran (the tail), and after the last simulation
/// until the runner returned (scoring). Timestamps are host time: for the printout only, never for the run order.
/// </summary>
internal sealed class RunTimeline(IRunExecutor inner, int slots) : IRunExecutor
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private readonly Lock _gate = new();
    private readonly bool[] _busy = new bool[slots];
    private readonly List<Entry> _entries = [];
    private long _origin = Stopwatch.GetTimestamp();

    /// <summary>One simulation: its slot, start and end (seconds from <see cref="Restart"/>), and what it allocated.</summary>
    /// <param name="AllocatedBytes">The process's allocation from start to end: the simulation's own with one slot, both
    /// slots' interleaved with two.</param>
    public readonly record struct Entry(int Slot, RunSpec Spec, double Start, double End, long AllocatedBytes, long Events);

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Forgets the entries and takes now as time 0 (call right before the runner starts).</summary>
    public void Restart()
    {
        _entries.Clear();
        _origin = Stopwatch.GetTimestamp();
    }

    public async Task<RunResult> RunAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        int slot;
        lock (_gate)
        {
            slot = Array.IndexOf(_busy, false);
            _busy[slot] = true;
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var start = Stopwatch.GetElapsedTime(_origin).TotalSeconds;
        try
        {
            var result = await inner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
            var end = Stopwatch.GetElapsedTime(_origin).TotalSeconds;
            lock (_gate)
            {
                _entries.Add(new Entry(slot, spec, start, end, GC.GetTotalAllocatedBytes(precise: false) - allocated, result.Events));
            }

            return result;
        }
        finally
        {
            lock (_gate)
            {
                _busy[slot] = false;
            }
        }
    }

    /// <summary>Where one runner call's wall went, per slot (seconds).</summary>
    /// <param name="Wall">The runner's call, scoring included.</param>
    /// <param name="Busy">Per slot: the sum of its simulations' wall.</param>
    /// <param name="Lead">Per slot: from the call to its first simulation.</param>
    /// <param name="Gaps">Per slot: between its simulations (the runner picking and starting the next, or scoring a
    /// finished track there).</param>
    /// <param name="Tail">Per slot: from its last simulation's end to the last simulation's end overall.</param>
    /// <param name="Scoring">From the last simulation's end to the call's return (both slots idle).</param>
    public sealed record Breakdown(double Wall, double[] Busy, double[] Lead, double[] Gaps, double[] Tail, double Scoring)
    {
        /// <summary>Slot-seconds the call offered: wall × slots.</summary>
        public double Capacity => Wall * Busy.Length;

        public string Describe()
        {
            var perSlot = Enumerable.Range(0, Busy.Length).Select(s =>
                string.Create(C, $"slot {s}: simulations {Busy[s]:F3} s, before the first {Lead[s]:F3} s, between (dispatch, finished tracks' scoring) {Gaps[s]:F3} s, idle tail {Tail[s]:F3} s"));
            return "timeline: " + string.Join("; ", perSlot) + string.Create(C, $"; last simulation to result (scoring) {Scoring:F3} s");
        }
    }

    public Breakdown Summarise(double wall)
    {
        var byEnd = _entries.OrderBy(e => e.End).ToArray();
        var lastEnd = byEnd.Length == 0 ? 0 : byEnd[^1].End;
        var busy = new double[_busy.Length];
        var lead = new double[_busy.Length];
        var gaps = new double[_busy.Length];
        var tail = new double[_busy.Length];
        for (var s = 0; s < _busy.Length; s++)
        {
            var own = _entries.Where(e => e.Slot == s).OrderBy(e => e.Start).ToArray();
            if (own.Length == 0)
            {
                lead[s] = lastEnd;
                continue;
            }

            busy[s] = own.Sum(e => e.End - e.Start);
            lead[s] = own[0].Start;
            gaps[s] = own.Zip(own.Skip(1), (a, b) => b.Start - a.End).Sum();
            tail[s] = lastEnd - own[^1].End;
        }

        return new Breakdown(wall, busy, lead, gaps, tail, wall - lastEnd);
    }

    /// <summary>The last <paramref name="count"/> simulations to end: which they were and how long they took.</summary>
    public string DescribeLast(int count) =>
        string.Join(", ", _entries.OrderBy(e => e.End).TakeLast(count).Select(e =>
            string.Create(C, $"{e.Spec.Track}/{e.Spec.Entry}#{e.Spec.Replication} on slot {e.Slot} {e.Start:F2}–{e.End:F2} s")));

    /// <summary>
    /// Per track: mean wall, allocation and engine events of a simulation (allocation is exact with one slot), and when its
    /// last simulation ended (from then on the runner can score it while the other tracks' runs go on).
    /// </summary>
    public string DescribeTracks() =>
        string.Join("; ", _entries.GroupBy(e => e.Spec.Track).Select(g =>
            string.Create(C, $"{g.Key} {g.Count()} × {1000 * g.Average(e => e.End - e.Start):F1} ms ({1000 * g.Min(e => e.End - e.Start):F1}–{1000 * g.Max(e => e.End - e.Start):F1}), " +
                $"{g.Average(e => e.AllocatedBytes) / 1048576.0:F2} MiB, {g.Average(e => e.Events):N0} events, done at {g.Max(e => e.End):F2} s")));
}
