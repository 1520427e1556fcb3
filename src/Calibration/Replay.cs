using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Calibration;

/// <summary>Replays a measurement set's experiments in the simulation under one profile.</summary>
public sealed class Replay
{
    private readonly string _dir;
    private readonly Dictionary<string, Workload> _workloads = new(StringComparer.Ordinal);

    public Replay(string dir, MeasurementSet set)
    {
        _dir = dir;
        Set = set;
        foreach (var e in set.Experiments)
        {
            _workloads[e.Name] = WorkloadLoader.Load(Path.Combine(dir, e.Workload));
        }
    }

    public MeasurementSet Set { get; }

    /// <summary>
    /// The quantities a fit uses: medians and means of the fitted experiments, and memory (solved directly); tails and
    /// the other experiments are held out.
    /// </summary>
    public static bool IsFitQuantity(Experiment e, MeasuredQuantity q) => e.Fit && e.Kind switch
    {
        "memory" => q.Name == Quantities.BytesPerNetns,
        "serial" => q.Name is Quantities.CreationMsP50 or Quantities.CreationMsMean,
        "burst" => q.Name is Quantities.PeersGoneSeconds or Quantities.CreationMsP50,
        _ => false,
    };

    /// <summary>Runs the experiments (only the fitted ones when <paramref name="fittedOnly"/>) and compares every quantity.</summary>
    public IReadOnlyList<Comparison> Compare(KernelProfile profile, bool fittedOnly, CancellationToken token = default)
    {
        var rows = new List<Comparison>();
        foreach (var e in Set.Experiments)
        {
            if (fittedOnly && !e.Quantities.Any(q => IsFitQuantity(e, q)))
            {
                continue;
            }

            var r = SimulationEngine.Run(SimulationRequest.Upstream(_workloads[e.Name], profile), cancellationToken: token);
            // A run that did not finish predicts nothing (the fit's objective charges it as a large error).
            var note = r.Status == RunStatus.Ok ? null : $"simulation {r.Status}: {r.StatusDetail}";
            foreach (var q in e.Quantities)
            {
                if (!fittedOnly || IsFitQuantity(e, q))
                {
                    rows.Add(new Comparison(e.Name, q.Name, q.Unit, q.Value, note is null ? Quantities.Predict(q.Name, r, e) : null, IsFitQuantity(e, q), note));
                }
            }
        }

        return rows;
    }

    public override string ToString() => _dir;
}
