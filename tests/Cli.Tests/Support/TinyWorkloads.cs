using System.Text.Json.Nodes;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Cli.Tests.Support;

/// <summary>Shipped workloads shrunk so an end-to-end test simulates in well under a second.</summary>
internal static class TinyWorkloads
{
    /// <summary>The seed's burst (1000 netns on one CPU) cut to <paramref name="count"/> namespaces, without a probe.</summary>
    public static string Burst(int count)
    {
        var workload = JsonNode.Parse(WorkloadLoader.ReadBuiltIn("seed-1000-maxcpus1")!, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        workload["name"] = $"burst-{count}";
        workload["burst"]!["count"] = count;
        return workload.ToJsonString();
    }
}
