using NetnsPolicy.Reports;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Execution;

/// <summary>
/// What a tournament keeps of each finished run until it is scored, decided in the run's slot (thread-safe). A report
/// shows the series and the profile of each entry's first replication only, so later replications are kept without
/// them (<see cref="RunFingerprint.Lighten"/>), with the fingerprint the identical-to-baseline check compares in their
/// place — unless the entry's counters already differ from the baseline's in some replication on that track: the check
/// then tells it apart before it reads a fingerprint, and the run's JSON is not serialized for one (≈ 1 ms a run, 0.1 s
/// of a main.json tournament's 2.6). Every run held whole until scoring was ≈ 20 MiB promoted into gen2 per main.json
/// tournament, copied by pauses that stop both workers (docs/benchmarks.md, "Issue 16, eighth round").
/// </summary>
internal sealed class RunKeeper(Tournament tournament)
{
    private readonly Lock _gate = new();
    private readonly int _baseline = tournament.Entries.ToList().FindIndex(e => e.Name == tournament.Baseline);
    private readonly RunResult?[,,] _kept = new RunResult?[tournament.Tracks.Count, tournament.Entries.Count, tournament.Replications];
    private readonly bool[,] _toldApart = new bool[tournament.Tracks.Count, tournament.Entries.Count];

    /// <summary>What to keep of <paramref name="run"/>, entry <paramref name="entry"/>'s on track <paramref name="track"/>.</summary>
    public RunResult Keep(int track, int entry, RunResult run)
    {
        var replication = run.Replication;
        if (_baseline < 0 || replication < 0 || replication >= _kept.GetLength(2))
        {
            // Not a replication the tournament plans: kept as the check would see it, whatever it is compared with.
            return replication == 0 ? run : RunFingerprint.Lighten(run);
        }

        bool needsFingerprint;
        lock (_gate)
        {
            if (entry != _baseline && _kept[track, _baseline, replication] is { } baselineRun && !RunFingerprint.SameCounters(run, baselineRun))
            {
                _toldApart[track, entry] = true;
            }

            needsFingerprint = entry == _baseline ? !EveryEntryToldApart(track) : !_toldApart[track, entry];
        }

        var kept = replication == 0 ? run : needsFingerprint ? RunFingerprint.Lighten(run) : RunFingerprint.LightenUnfingerprinted(run);
        lock (_gate)
        {
            _kept[track, entry, replication] = kept;
            if (entry == _baseline)
            {
                // The entries whose run of this replication ended first.
                for (var e = 0; e < _toldApart.GetLength(1); e++)
                {
                    if (e != _baseline && _kept[track, e, replication] is { } other && !RunFingerprint.SameCounters(other, kept))
                    {
                        _toldApart[track, e] = true;
                    }
                }
            }
        }

        return kept;
    }

    /// <summary>No entry of the track can be identical to the baseline any more: its fingerprints will not be read.</summary>
    private bool EveryEntryToldApart(int track)
    {
        for (var e = 0; e < _toldApart.GetLength(1); e++)
        {
            if (e != _baseline && !_toldApart[track, e])
            {
                return false;
            }
        }

        return true;
    }
}
