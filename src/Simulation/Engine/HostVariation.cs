using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// Run-to-run variation of a real host (<see cref="VariationSpec"/>, docs/calibration.md): a per-run cost factor, a
/// factor per CPU segment, a factor per grace period, and other host work competing for the CPUs
/// (<see cref="CompetingWork"/>). Each part draws from its own seeded stream, so a seed still gives one result and
/// switching one part off does not shift another's draws. Without a <see cref="VariationSpec"/> there is no instance
/// and the scheduler and RCU run exactly as before.
/// </summary>
internal sealed class HostVariation
{
    // Stream ids far above the kernel model's (1–5, 100+ per RTNL user): adding variation never shifts their draws.
    private const ulong StreamRunFactor = 0x7661_0001;
    private const ulong StreamOpCost = 0x7661_0002;
    private const ulong StreamGracePeriod = 0x7661_0003;
    internal const ulong StreamStall = 0x7661_0004;
    internal const ulong StreamCompeting = 0x7661_0100;

    private readonly RandomStream _op;
    private readonly RandomStream _gp;
    private readonly double _runFactor;
    private readonly double _opSigma;
    private readonly double _gpSigma;

    private HostVariation(VariationSpec spec, ulong seed, int replication)
    {
        _runFactor = LogNormal(new RandomStream(seed, replication, StreamRunFactor), Sigma(spec.RunCostCv));
        _op = new RandomStream(seed, replication, StreamOpCost);
        _gp = new RandomStream(seed, replication, StreamGracePeriod);
        _opSigma = Sigma(spec.OpCostCv);
        _gpSigma = Sigma(spec.GpCv);
    }

    /// <summary>This run's factor on every CPU cost.</summary>
    public double RunFactor => _runFactor;

    /// <summary>
    /// The variation of <paramref name="spec"/> attached to <paramref name="scheduler"/> (competing work spawned), or
    /// null when the profile has none.
    /// </summary>
    public static HostVariation? Attach(VariationSpec? spec, Scheduler scheduler, ulong seed, int replication)
    {
        if (spec is null)
        {
            return null;
        }

        var v = new HostVariation(spec, seed, replication);
        scheduler.Variation = v;
        CompetingWork.Spawn(scheduler, spec, seed, replication);
        return v;
    }

    /// <summary>One CPU segment's cost on this run: the run's factor times a factor of its own.</summary>
    public long Cost(long ns)
    {
        var f = _runFactor * (_opSigma > 0 ? LogNormal(_op, _opSigma) : 1);
        return Math.Max(1, (long)Math.Round(ns * f));
    }

    /// <summary>One grace period's length (rcu_gp_kthread's FQS scans and the expedited IPI rounds both vary with what the CPUs run).</summary>
    public long GracePeriod(long ns) => _gpSigma > 0 ? Math.Max(1, (long)Math.Round(ns * LogNormal(_gp, _gpSigma))) : ns;

    /// <summary>The sigma of a mean-one lognormal with coefficient of variation <paramref name="cv"/>.</summary>
    internal static double Sigma(double cv) => cv > 0 ? Math.Sqrt(Math.Log(1 + (cv * cv))) : 0;

    /// <summary>A mean-one lognormal draw: exp(σZ − σ²/2).</summary>
    internal static double LogNormal(RandomStream r, double sigma) => sigma > 0 ? Math.Exp((sigma * r.NextNormal()) - (sigma * sigma / 2)) : 1;
}
