using Google.Protobuf.WellKnownTypes;
using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Runs;

/// <summary>The one mapping of a run's state to its API message, for stored and live runs alike.</summary>
internal static class RunMessages
{
    public static Run ToRun(StoredRun s)
    {
        var run = new Run
        {
            Id = s.Id,
            Kind = s.Kind,
            State = s.State,
            StatusDetail = s.StatusDetail,
            Workload = s.Workload,
            KernelProfile = s.KernelProfile,
            Baseline = s.Kind == RunKind.Comparison ? s.Baseline : "",
            SimulationsTotal = s.SimulationsTotal,
            SimulationsDone = s.SimulationsDone,
            SimulationsFromStore = s.SimulationsFromStore,
            CreatedAt = Timestamp.FromDateTimeOffset(s.CreatedAt),
            Description = s.Description,
            RequestHash = s.RequestHash,
        };
        run.Policies.Add(s.Policies);
        if (s.StartedAt is { } started)
        {
            run.StartedAt = Timestamp.FromDateTimeOffset(started);
        }

        if (s.FinishedAt is { } finished)
        {
            run.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        }

        return run;
    }
}
