using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Eras.Tests;

/// <summary>Runs a small inline workload under a shipped era profile with the upstream policy.</summary>
internal static class EraRun
{
    /// <summary>The JSON of <c>workloads/eras/&lt;name&gt;.json</c> (runnable with <c>netns-policy simulate</c>, docs/eras.md).</summary>
    public static string Workload(string name) => File.ReadAllText(Path.Combine(RepoRoot(), "workloads", "eras", name + ".json"));

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "NetnsPolicy.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("NetnsPolicy.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }

    public static RunResult Run(string profileId, string workloadJson) => Run(KernelProfileLoader.Load(profileId), workloadJson);

    public static RunResult Run(KernelProfile profile, string workloadJson)
    {
        var profileId = profile.Id;
        var workload = WorkloadLoader.Parse(workloadJson);
        var result = SimulationEngine.Run(SimulationRequest.Upstream(workload, profile));
        Assert.That(result.Status, Is.EqualTo(RunStatus.Ok), $"{profileId}: {result.StatusDetail}");
        Assert.That(result.OracleViolations, Is.Empty, $"{profileId} broke a kernel rule");
        return result;
    }

    /// <summary>Self time of every profile node with this function name, in ms.</summary>
    public static double SelfMs(RunResult r, string function) => SelfMs(r.Profile, function);

    /// <summary>Self and children time of every profile node with this function name (outermost only), in ms.</summary>
    public static double TotalMs(RunResult r, string function) => TotalMs(r.Profile, function);

    private static double TotalMs(ProfileNode node, string function) =>
        node.Name == function ? node.TotalMs : node.Children.Sum(c => TotalMs(c, function));

    private static double SelfMs(ProfileNode node, string function) =>
        (node.Name == function ? node.SelfMs : 0) + node.Children.Sum(c => SelfMs(c, function));
}
