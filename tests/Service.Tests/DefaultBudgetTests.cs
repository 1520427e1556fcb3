using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Service.Tests;

/// <summary>
/// The default work budget is small enough to stop a runaway simulation in about two seconds of one worker
/// (scripts/storm-budget.py measures it) and large enough for what users run: every shipped workload fits it ten
/// times over, so a legitimate run never meets it.
/// </summary>
[TestFixture]
public sealed class DefaultBudgetTests
{
    private const int Margin = 10;

    public static IEnumerable<string> ShippedWorkloads() => WorkloadLoader.BuiltInNames;

    [TestCaseSource(nameof(ShippedWorkloads))]
    public void DefaultEventBudget_ShippedWorkload_FitsTenTimesOver(string name)
    {
        var options = new ServiceOptions();
        var workload = WorkloadLoader.Load(name);
        var request = SimulationRequest.Upstream(workload, KernelProfileLoader.Load(workload.Machine.KernelProfile));

        var result = SimulationEngine.Run(request, options.SimulationBudget);

        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), result.StatusDetail);
        Assert.That(result.Events * Margin, Is.LessThanOrEqualTo(options.SimulationEventBudget),
            $"{name} needs {result.Events} events; the default budget of {options.SimulationEventBudget} should hold {Margin} such runs");
    }
}
