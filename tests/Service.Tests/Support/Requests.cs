using NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Tests.Support;

/// <summary>Request builders.</summary>
internal static class Requests
{
    /// <summary>The policies every build has: the built-in <c>upstream</c> as baseline, and <c>upstream</c> again under another label.</summary>
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
        request.Policies.Add(new PolicyEntry { Label = "contender", Policy = "upstream" });
        return request;
    }
}
