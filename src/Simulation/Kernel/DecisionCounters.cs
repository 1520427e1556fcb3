using System.Numerics;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>How often the policy was asked at each decision point, and how often it answered unlike the kernel.</summary>
internal sealed class DecisionCounters
{
    private readonly long[] _calls = new long[32];
    private readonly long[] _changed = new long[32];

    /// <summary>GracePeriodMode.Overlapped answers.</summary>
    public long Overlapped { get; set; }

    /// <summary>GracePeriodMode.Skip answers.</summary>
    public long Skipped { get; set; }

    public void Count(DecisionPoint point, bool changed)
    {
        var i = Index(point);
        _calls[i]++;
        if (changed)
        {
            _changed[i]++;
        }
    }

    public long Calls(DecisionPoint point) => _calls[Index(point)];

    public long Changed(DecisionPoint point) => _changed[Index(point)];

    /// <summary>A single decision point is one flag: its bit position indexes the counters.</summary>
    private static int Index(DecisionPoint point)
    {
        var bits = (uint)point;
        if (BitOperations.PopCount(bits) != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, "not a single decision point");
        }

        return BitOperations.TrailingZeroCount(bits);
    }
}
