using Google.Protobuf.WellKnownTypes;
using NetnsPolicy.Service.Runs;
using NetnsPolicy.Simulation;
using V1 = NetnsPolicy.Contracts.V1;

namespace NetnsPolicy.Service.Api;

/// <summary>
/// The one mapping between the API's run messages and the service's own records: requests in, runs and progress out.
/// Nothing past <c>Api/</c> sees a generated type.
/// </summary>
internal static class RunMapping
{
    /// <summary>A single run, as a comparison of one contender labelled by its policy spec.</summary>
    public static RunRequest ToRequest(V1.SubmitRunRequest request) => new(
        WorkloadJson(request.Workload),
        WorkloadBuiltin(request.Workload),
        request.KernelProfile,
        [new ContenderRequest(request.Policy, request.Policy, Parameters(request.Parameters))],
        Baseline: "",
        Seeds(request.Seeds),
        request.Seeds?.Replications ?? 0,
        ToDuration(request.Timeout),
        request.Description);

    public static RunRequest ToRequest(V1.SubmitComparisonRequest request) => new(
        WorkloadJson(request.Workload),
        WorkloadBuiltin(request.Workload),
        request.KernelProfile,
        [.. request.Policies.Select(p => new ContenderRequest(p.Label, p.Policy, Parameters(p.Parameters)))],
        request.Baseline,
        Seeds(request.Seeds),
        request.Seeds?.Replications ?? 0,
        ToDuration(request.Timeout),
        request.Description);

    /// <summary>The API message a <see cref="RunRequest"/> stands for (what a client would have sent).</summary>
    public static V1.SubmitComparisonRequest ToMessage(RunRequest request)
    {
        var message = new V1.SubmitComparisonRequest { KernelProfile = request.KernelProfile, Baseline = request.Baseline, Description = request.Description };
        if (request.WorkloadJson is not null)
        {
            message.Workload = new V1.WorkloadSource { Json = request.WorkloadJson };
        }
        else if (request.WorkloadBuiltin is not null)
        {
            message.Workload = new V1.WorkloadSource { Builtin = request.WorkloadBuiltin };
        }

        foreach (var c in request.Contenders)
        {
            var entry = new V1.PolicyEntry { Label = c.Label, Policy = c.Policy };
            entry.Parameters.Add(c.Parameters.ToDictionary());
            message.Policies.Add(entry);
        }

        if (request.Seeds.Count > 0 || request.Replications != 0)
        {
            message.Seeds = new V1.SeedPlan { Replications = request.Replications };
            message.Seeds.Seeds.Add(request.Seeds);
        }

        if (request.Timeout is { } t)
        {
            message.Timeout = new Duration { Seconds = t.Seconds, Nanos = t.Nanos };
        }

        return message;
    }

    /// <summary>A duration's two fields as given, unchecked (the planner checks them as protobuf defines them).</summary>
    public static RequestDuration? ToDuration(Duration? d) => d is null ? null : new RequestDuration(d.Seconds, d.Nanos);

    /// <summary>The state filter of ListRuns; a value that is no run state is refused naming its position.</summary>
    public static List<RunState> ToStates(IList<V1.RunState> states)
    {
        var list = new List<RunState>();
        for (var i = 0; i < states.Count; i++)
        {
            var state = ToState(states[i]) ?? throw new InputValidationException($"states[{i}]", $"must be a run state (QUEUED … INTERRUPTED), got {states[i]}");
            if (!list.Contains(state))
            {
                list.Add(state);
            }
        }

        return list;
    }

    public static V1.Run ToMessage(RunSnapshot s)
    {
        var run = new V1.Run
        {
            Id = s.Id,
            Kind = ToMessage(s.Kind),
            State = ToMessage(s.State),
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

        run.Simulations.Add(s.Simulations.Select(x => new V1.SimulationOutcome
        {
            Policy = x.Label,
            Parameters = x.Parameters,
            Seed = x.Seed,
            Replication = x.Replication,
            Status = x.Status,
            FromStore = x.FromStore,
            ResultKey = x.ResultKey,
            ResultJson = x.ResultJson,
        }));
        return run;
    }

    public static V1.RunProgress ToMessage(RunProgressUpdate p) => new()
    {
        RunId = p.RunId,
        State = ToMessage(p.State),
        Phase = p.Phase,
        SimulatedNs = p.SimulatedNs,
        FractionDone = p.FractionDone,
        SimulationsDone = p.SimulationsDone,
        SimulationsTotal = p.SimulationsTotal,
        Events = p.Events,
        Eta = p.Eta is { } eta ? Duration.FromTimeSpan(eta) : null,
        FinalRun = p.FinalRun is { } final ? ToMessage(final) : null,
    };

    public static V1.RunState ToMessage(RunState state) => state switch
    {
        RunState.Queued => V1.RunState.Queued,
        RunState.Running => V1.RunState.Running,
        RunState.Succeeded => V1.RunState.Succeeded,
        RunState.Failed => V1.RunState.Failed,
        RunState.Cancelled => V1.RunState.Cancelled,
        RunState.DeadlineExceeded => V1.RunState.DeadlineExceeded,
        RunState.Interrupted => V1.RunState.Interrupted,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "no API state"),
    };

    private static RunState? ToState(V1.RunState state) => state switch
    {
        V1.RunState.Queued => RunState.Queued,
        V1.RunState.Running => RunState.Running,
        V1.RunState.Succeeded => RunState.Succeeded,
        V1.RunState.Failed => RunState.Failed,
        V1.RunState.Cancelled => RunState.Cancelled,
        V1.RunState.DeadlineExceeded => RunState.DeadlineExceeded,
        V1.RunState.Interrupted => RunState.Interrupted,
        _ => null,
    };

    private static V1.RunKind ToMessage(RunKind kind) => kind == RunKind.Comparison ? V1.RunKind.Comparison : V1.RunKind.Single;

    private static string? WorkloadJson(V1.WorkloadSource? w) => w?.SourceCase == V1.WorkloadSource.SourceOneofCase.Json ? w.Json : null;

    private static string? WorkloadBuiltin(V1.WorkloadSource? w) => w?.SourceCase == V1.WorkloadSource.SourceOneofCase.Builtin ? w.Builtin : null;

    private static IReadOnlyList<ulong> Seeds(V1.SeedPlan? plan) => plan is null ? [] : [.. plan.Seeds];

    // The map keeps the request's order (errors about parameters are reported in it).
    private static Dictionary<string, string> Parameters(IDictionary<string, string> parameters) => new(parameters, StringComparer.Ordinal);
}
