using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Simulation.Kernel;

/// <summary>The end-of-run oracles of KERNEL-MODEL.md §8 (the others are checked where the kernel path runs).</summary>
internal sealed partial class KernelSimulation
{
    /// <summary>Liveness and conservation once the workload has drained.</summary>
    private void CheckConservationAtEnd(string status)
    {
        if (status != RunStatus.Ok || _workload.Stop.Mode != "drain")
        {
            return;
        }

        if (_stopReason == "stranded" || _accounting.Backlog > 0)
        {
            var stranded = string.Join(", ", _cleanup.CleanupList.Take(5).Select(n => n.ToString()));
            _oracles.Violation(OracleRule.Liveness, stranded + (_cleanup.CleanupList.Count > 5 ? ", …" : ""), $"{_accounting.Backlog} released nets were never freed: {_cleanup.CleanupList.Count} left on cleanup_list with no cleanup run queued");
        }

        // The last run's struct nets stay on defer_free_list until a next cleanup_net run (6.13, 0f6ede9fbc74).
        if (_accounting.Memory != _baselineMemory + _cleanup.DeferFree.Bytes)
        {
            _oracles.Violation(OracleRule.Conservation, "memory", $"namespace memory is {_accounting.Memory} bytes after draining, expected the starting {_baselineMemory} + {_cleanup.DeferFree.Bytes} on defer_free_list");
        }

        if (_accounting.Charged != _baselineCharged)
        {
            _oracles.Violation(OracleRule.Conservation, "ucounts", $"{_accounting.Charged} namespaces charged to max_net_namespaces after draining, expected {_baselineCharged}");
        }
    }
}
