using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Tests.Support;

/// <summary>Request builders.</summary>
internal static class Requests
{
    /// <summary>Parameters of the contender: batches of 4, so that tiny bursts take several cleanup_net runs.</summary>
    public const string ContenderBatchSize = "4";

    /// <summary>The built-in <c>upstream</c> as baseline against the shipped <c>batching</c> plugin (the seed's patch).</summary>
    public static SubmitComparisonRequest Comparison(string workloadJson, params ulong[] seeds)
    {
        var request = new SubmitComparisonRequest
        {
            Workload = new WorkloadSource { Json = workloadJson },
            Baseline = "baseline",
            Seeds = new SeedPlan { Replications = 1 },
        };
        request.Seeds.Seeds.Add(seeds.Length == 0 ? [1UL] : seeds);
        request.Policies.Add(new PolicyEntry { Label = "baseline", Policy = "upstream" });
        request.Policies.Add(new PolicyEntry { Label = "contender", Policy = "batching", Parameters = { ["batch_size"] = ContenderBatchSize } });
        return request;
    }
}
