using NetnsPolicy.Calibration;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Eras.Tests.Calibration;

/// <summary>The figures the session tests state of a profile on a probe session, computed as validate computes them.</summary>
internal static class SessionFit
{
    /// <summary>RMS log error over the fitted quantities that have a prediction.</summary>
    public static double FittedRms(IEnumerable<Comparison> rows) => Calibrator.Rms(rows.Where(r => r.Fitted && r.LogError is not null).ToList());

    /// <summary>How many of the host's top 10 functions the simulated share matches within 5 points.</summary>
    public static int TopTenWithin5(IEnumerable<FunctionShare> shares) => shares.Take(10).Count(s => Math.Abs(s.DifferencePoints) <= 5);

    /// <summary><see cref="TopTenWithin5(IEnumerable{FunctionShare})"/> summed over the session's perf-sampled bursts.</summary>
    public static int TopTenWithin5(Replay replay, KernelProfile profile) => ProfileComparison.ForSet(replay, profile).Sum(p => TopTenWithin5(p.Shares));
}
