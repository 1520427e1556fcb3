using System.Collections.Concurrent;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;
using NetnsPolicy.Tournaments;
using NetnsPolicy.Tournaments.Definition;
using NetnsPolicy.Tournaments.Execution;

namespace NetnsPolicy.Identity.Tests;

/// <summary>
/// Byte-identity of results (issue 16): a speed change must not change any result. Every shipped workload
/// (<c>workloads/*.json</c>, <c>workloads/eras/*.json</c>) under its default profile and two other eras with the built-in
/// policy, two workloads under every shipped policy, and the shipped
/// <c>ci-gate</c> tournament's tournament.json, are computed by the current engine and their SHA-256 compared with
/// the digests stored in <c>digests.json</c>. Simulations run in parallel, as a tournament runs them.
/// </summary>
[TestFixture]
public sealed class ShippedResultsTests
{
    /// <summary>Eras run besides each workload's own profile: the rwsem era and the newest.</summary>
    private static readonly string[] Eras = ["v4.18", "v7.0"];

    /// <summary>Every shipped policy besides upstream, with its default parameters, on these workloads.</summary>
    private static readonly string[] Policies = ["adaptive", "batching", "rcu-overlap", "rwsem", "uevent-skip"];

    private static readonly string[] PolicyWorkloads = ["seed-1000-maxcpus1", "container-churn"];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static PluginCatalog OpenShippedCatalog() => new(new PluginCatalogOptions
    {
        PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"),
        Watch = false,
    });

    private static IEnumerable<(string Name, Workload Workload)> ShippedWorkloads() =>
        WorkloadLoader.BuiltInNames.Select(n => (n, WorkloadLoader.Load(n)))
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "workloads", "eras"), "*.json")
                .Order(StringComparer.Ordinal)
                .Select(f => ("eras/" + Path.GetFileNameWithoutExtension(f), WorkloadLoader.Load(f))));

    [Test]
    public async Task Simulate_ShippedWorkloadsErasAndPolicies_MatchStoredDigests()
    {
        using var catalog = OpenShippedCatalog();
        var workloads = ShippedWorkloads().ToList();
        var cases = workloads
            .SelectMany(w => new[] { w.Workload.Machine.KernelProfile }.Concat(Eras).Distinct(StringComparer.Ordinal).Select(p => (w.Name, w.Workload, Profile: p, Policy: "upstream")))
            .Concat(workloads.Where(w => PolicyWorkloads.Contains(w.Name)).SelectMany(w => Policies.Select(p => (w.Name, w.Workload, Profile: w.Workload.Machine.KernelProfile, Policy: p))))
            .ToList();
        var computed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Task.Run(
            () => Parallel.ForEach(cases, c =>
            {
                using var lease = catalog.Acquire(c.Policy, null);
                var request = new SimulationRequest(c.Workload, KernelProfileLoader.Load(c.Profile), lease.Policy, lease.Parameters, c.Workload.Seed, 0);
                var key = $"simulate/{c.Name}@{c.Profile}" + (c.Policy == "upstream" ? "" : "/" + c.Policy);
                computed[key] = GoldenDigests.Sha256(RunResultJson.Serialize(SimulationEngine.Run(request)));
            })).WaitAsync(Timeout);

        var problems = GoldenDigests.Compare("simulate/", computed);
        Assert.That(computed, Has.Count.GreaterThanOrEqualTo((13 * 3) + (2 * 5)));
        Assert.That(problems, Is.Empty, "simulate results differ from the stored digests:\n" + string.Join("\n", problems) + "\n" + GoldenDigests.HowToRefresh);
    }

    [Test]
    public async Task Tournament_ShippedCiGate_MatchesStoredDigest()
    {
        using var catalog = OpenShippedCatalog();
        var tournament = TournamentLoader.Load(Path.Combine(AppContext.BaseDirectory, "tournaments", "ci-gate.json"), catalog);

        // The file's wall-clock budget is made unreachable: on a loaded machine it would cut the tournament short.
        var options = new TournamentRunnerOptions { MaxParallelism = 2, TimeBudget = TimeSpan.FromDays(1) };
        var result = await new TournamentRunner(new InProcessRunExecutor(catalog), options).RunAsync(tournament).WaitAsync(Timeout);
        var computed = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tournament/ci-gate/tournament.json"] = GoldenDigests.Sha256(TournamentRenderer.ToJson(result)),
        };

        var problems = GoldenDigests.Compare("tournament/", computed);
        Assert.That(result.RunsCompleted, Is.EqualTo(result.RunsPlanned));
        Assert.That(problems, Is.Empty, "the tournament result differs from the stored digest:\n" + string.Join("\n", problems) + "\n" + GoldenDigests.HowToRefresh);
    }
}
