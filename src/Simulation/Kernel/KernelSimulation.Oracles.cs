using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The correctness oracles of KERNEL-MODEL.md §8, checked in every run.</summary>
internal static class OracleRule
{
    public const string RcuSafety = "rcu-safety";
    public const string Uevent = "uevent";
    public const string Liveness = "liveness";
    public const string Conservation = "conservation";
    public const string Exclusion = "exclusion";
}

internal sealed partial class KernelSimulation
{
    private const int MaxRecordedViolations = 100;
    private readonly List<OracleViolation> _violations = [];
    private long _violationCount;

    private void Violation(string rule, string objects, string message)
    {
        _violationCount++;
        if (_violations.Count < MaxRecordedViolations)
        {
            _violations.Add(new OracleViolation(rule, _s.Now, objects, message));
        }
    }

    /// <summary>No exit method may run on a net before a full grace period since its list_del_rcu.</summary>
    private void CheckExitAllowed(Net net)
    {
        if (!net.ExitChecked && !_rcu.Elapsed(net.Unlinked))
        {
            Violation(OracleRule.RcuSafety, net.ToString(), "exit methods ran before a full grace period after the net was unlinked (readers may still see it)");
        }

        net.ExitChecked = true;
    }

    /// <summary>Liveness and conservation once the workload has drained.</summary>
    private void CheckConservationAtEnd(string status)
    {
        if (status != RunStatus.Ok || _workload.Stop.Mode != "drain")
        {
            return;
        }

        if (_stopReason == "stranded" || _backlog > 0)
        {
            var stranded = string.Join(", ", _cleanupList.Take(5).Select(n => n.ToString()));
            Violation(OracleRule.Liveness, stranded + (_cleanupList.Count > 5 ? ", …" : ""), $"{_backlog} released nets were never freed: {_cleanupList.Count} left on cleanup_list with no cleanup run queued");
        }

        // The last run's struct nets stay on defer_free_list until a next cleanup_net run (6.13, 0f6ede9fbc74).
        if (_memory != _baselineMemory + _deferFree.Bytes)
        {
            Violation(OracleRule.Conservation, "memory", $"namespace memory is {_memory} bytes after draining, expected the starting {_baselineMemory} + {_deferFree.Bytes} on defer_free_list");
        }

        if (_charged != _baselineCharged)
        {
            Violation(OracleRule.Conservation, "ucounts", $"{_charged} namespaces charged to max_net_namespaces after draining, expected {_baselineCharged}");
        }
    }
}
