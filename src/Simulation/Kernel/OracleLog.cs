using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The violations of the correctness oracles (KERNEL-MODEL.md §8) found in one run: the first 100 kept.</summary>
internal sealed class OracleLog(Scheduler s)
{
    private const int MaxRecorded = 100;
    private readonly List<OracleViolation> _violations = [];
    private long _count;

    public void Violation(string rule, string objects, string message)
    {
        _count++;
        if (_violations.Count < MaxRecorded)
        {
            _violations.Add(new OracleViolation(rule, s.Now, objects, message));
        }
    }

    /// <summary>No exit method may run on a net before a full grace period since its list_del_rcu.</summary>
    public void CheckExitAllowed(Net net, Rcu rcu)
    {
        if (!net.ExitChecked && !rcu.Elapsed(net.Unlinked))
        {
            Violation(OracleRule.RcuSafety, net.ToString(), "exit methods ran before a full grace period after the net was unlinked (readers may still see it)");
        }

        net.ExitChecked = true;
    }

    /// <summary>The recorded violations, with one line for those beyond the first 100.</summary>
    public List<OracleViolation> Build()
    {
        var violations = _violations.ToList();
        if (_count > _violations.Count)
        {
            violations.Add(new OracleViolation("truncated", s.Now, "", $"{_count - _violations.Count} more violations not listed"));
        }

        return violations;
    }
}
