using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Service.Hosting;
using NetnsPolicy.Service.Scheduling;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Service.Runs;

/// <summary>
/// Turns a request into a <see cref="RunPlan"/>: validates every field (errors name the request field), applies the
/// service's limits, resolves policies through the catalog and computes the content hashes that identify results.
/// </summary>
internal sealed class RunPlanner(IPolicyCatalog catalog, IOptions<ServiceOptions> options)
{
    private const int MaxSeeds = 1_000;
    private const int MaxReplications = 10_000;
    private const int MaxDescriptionLength = 4_096;
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(7);

    private static readonly JsonSerializerOptions CanonicalJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    private readonly ServiceOptions _options = options.Value;

    /// <summary>Validates and plans. Throws <see cref="InputValidationException"/> or <see cref="LimitExceededException"/>.</summary>
    public RunPlan Plan(RunKind kind, RunRequest request)
    {
        var errors = new List<FieldError>();
        var (workload, workloadJson) = ReadWorkload(request, errors);

        var profileField = request.KernelProfile.Length > 0 ? "kernel_profile" : "workload.machine.kernel_profile";
        var profileId = request.KernelProfile.Length > 0 ? request.KernelProfile : workload?.Machine.KernelProfile ?? "";
        var profileJson = profileId.Length == 0 ? null : KernelProfileLoader.ReadBuiltIn(profileId);
        if (workload is not null && profileJson is null)
        {
            errors.Add(new FieldError(profileField, $"unknown kernel profile '{profileId}' (known: {string.Join(", ", KernelProfileLoader.BuiltInIds)})"));
        }

        var contenders = ResolveContenders(kind, request.Contenders, errors);
        var baseline = request.Baseline.Length > 0 ? request.Baseline : contenders.FirstOrDefault()?.Label ?? "";
        if (kind == RunKind.Comparison && request.Baseline.Length > 0 && contenders.Count == request.Contenders.Count
            && contenders.All(c => c.Label != request.Baseline))
        {
            errors.Add(new FieldError("baseline", $"'{request.Baseline}' is not the label of a contender ({string.Join(", ", contenders.Select(c => c.Label))})"));
        }

        var seeds = ReadSeeds(request, workload, errors, out var replications);
        var maxTimeout = _options.MaxRunTimeout > TimeSpan.Zero ? _options.MaxRunTimeout : MaxTimeout;
        if (request.Timeout is { } t && CheckDuration(t, "timeout", maxTimeout, errors))
        {
            if (t.ToTimeSpan() == TimeSpan.Zero)
            {
                errors.Add(new FieldError("timeout", "must be positive, or unset for the service's default"));
            }
        }

        if (request.Description.Length > MaxDescriptionLength)
        {
            errors.Add(new FieldError("description", $"must be at most {MaxDescriptionLength} characters, got {request.Description.Length}"));
        }
        else if (TextRules.FirstForbidden(request.Description, allowLineBreaks: true) is { } bad)
        {
            errors.Add(new FieldError("description", bad));
        }

        if (workload is not null && TextRules.CheckName(workload.Name) is { } badName)
        {
            errors.Add(new FieldError("workload.name", badName));
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        CheckWorkloadSize(workload!);
        var total = (long)contenders.Count * seeds.Count * replications;
        if (total > _options.MaxSimulationsPerRun)
        {
            throw new LimitExceededException("seeds", $"the run has {total} simulations (contenders × seeds × replications); this service accepts at most {_options.MaxSimulationsPerRun}");
        }

        var simulations = new List<PlannedSimulation>((int)total);
        var budget = _options.SimulationBudget;
        var byLabel = request.Contenders.Select((p, i) => (p, c: contenders[i])).ToList();
        foreach (var seed in seeds)
        {
            for (var rep = 0; rep < replications; rep++)
            {
                foreach (var (entry, contender) in byLabel)
                {
                    var key = ResultKey(workloadJson!, profileJson!, contender.PolicyId, contender.AssemblyHash, contender.CanonicalParameters, seed, rep);
                    var input = new SimulationInput(workloadJson!, profileId, entry.Policy, new Dictionary<string, string>(entry.Parameters, StringComparer.Ordinal),
                        contender.AssemblyHash, seed, rep, budget);
                    simulations.Add(new PlannedSimulation(simulations.Count, contender.Label, contender.CanonicalParameters, seed, rep, key, input));
                }
            }
        }

        var requestHash = Hash(
            ["netnspolicy-run/1", kind.ToString(), baseline, .. simulations.Select(s => s.Label + "\u001f" + s.ResultKey)]);
        TimeSpan? timeout = request.Timeout is { } given ? given.ToTimeSpan()
            : _options.DefaultRunTimeout > TimeSpan.Zero ? _options.DefaultRunTimeout : null;
        return new RunPlan(kind, request, workload!.Name, profileId, baseline, contenders, simulations, timeout, requestHash);
    }

    private (Workload? Workload, string? CanonicalJson) ReadWorkload(RunRequest request, List<FieldError> errors)
    {
        string text;
        switch (request)
        {
            case { WorkloadJson: { } json }:
                text = json;
                var bytes = Encoding.UTF8.GetByteCount(text);
                if (bytes > _options.MaxWorkloadBytes)
                {
                    throw new LimitExceededException("workload.json", $"the workload is {bytes} bytes; this service accepts at most {_options.MaxWorkloadBytes}");
                }

                if (TextRules.CheckJsonDocument(text, requiredRootKey: "format_version") is { } problem)
                {
                    errors.Add(new FieldError(problem.Field is "" ? "workload.json" : "workload." + problem.Field, problem.Message));
                    return (null, null);
                }

                break;
            case { WorkloadBuiltin: { } name }:
                var builtin = WorkloadLoader.ReadBuiltIn(name);
                if (builtin is null)
                {
                    errors.Add(new FieldError("workload.builtin", $"unknown workload '{name}' (shipped: {string.Join(", ", WorkloadLoader.BuiltInNames)})"));
                    return (null, null);
                }

                text = builtin;
                break;
            default:
                errors.Add(new FieldError("workload", "must be set: give the workload's JSON text (json) or a shipped workload's name (builtin)"));
                return (null, null);
        }

        try
        {
            var workload = WorkloadLoader.Parse(text);

            // Re-serializing the parsed workload drops comments and layout and fills defaults, so two spellings of
            // one workload share one identity.
            return (workload, JsonSerializer.Serialize(workload, CanonicalJson));
        }
        catch (InputValidationException e)
        {
            var root = request.WorkloadJson is not null ? "workload.json" : "workload.builtin";
            errors.AddRange(e.Errors.Select(f => new FieldError(f.Field is "$" or "" ? root : "workload." + f.Field, f.Message)));
            return (null, null);
        }
    }

    private List<ContenderPlan> ResolveContenders(RunKind kind, IReadOnlyList<ContenderRequest> entries, List<FieldError> errors)
    {
        string Field(int i, string sub) => kind == RunKind.Single ? sub : $"policies[{i}].{sub}";

        if (kind == RunKind.Comparison && entries.Count < 2)
        {
            errors.Add(new FieldError("policies", $"a comparison needs at least two contenders, got {entries.Count}"));
        }

        var contenders = new List<ContenderPlan>();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (string.IsNullOrWhiteSpace(entry.Policy))
            {
                errors.Add(new FieldError(Field(i, "policy"), "must name a policy or a policy stack"));
                continue;
            }

            var label = entry.Label.Length > 0 ? entry.Label : entry.Policy;
            if (TextRules.CheckName(label) is { } badLabel)
            {
                errors.Add(new FieldError(Field(i, entry.Label.Length > 0 ? "label" : "policy"), badLabel));
                continue;
            }

            if (!labels.Add(label))
            {
                errors.Add(new FieldError(Field(i, "label"), $"'{label}' is used by an earlier contender; give each contender its own label"));
                continue;
            }

            try
            {
                using var lease = catalog.Acquire(entry.Policy, entry.Parameters);
                contenders.Add(new ContenderPlan(label, lease.PolicyId, lease.Parameters.ToString(), lease.AssemblyHash));
            }
            catch (InputValidationException e)
            {
                errors.AddRange(e.Errors.Select(f => new FieldError(Field(i, f.Field is "" or "$" ? "policy" : f.Field), f.Message)));
            }
        }

        return contenders;
    }

    private static List<ulong> ReadSeeds(RunRequest plan, Workload? workload, List<FieldError> errors, out int replications)
    {
        replications = plan.Replications != 0 ? plan.Replications : workload?.Replications ?? 1;
        if (replications is < 1 or > MaxReplications)
        {
            errors.Add(new FieldError("seeds.replications", $"must be between 1 and {MaxReplications} (0 for the workload's own), got {replications}"));
        }

        if (plan.Seeds.Count == 0)
        {
            return [workload?.Seed ?? 1];
        }

        if (plan.Seeds.Count > MaxSeeds)
        {
            errors.Add(new FieldError("seeds.seeds", $"at most {MaxSeeds} seeds, got {plan.Seeds.Count}"));
        }

        var seen = new HashSet<ulong>();
        for (var i = 0; i < plan.Seeds.Count; i++)
        {
            if (!seen.Add(plan.Seeds[i]))
            {
                errors.Add(new FieldError($"seeds.seeds[{i}]", $"seed {plan.Seeds[i]} is listed twice"));
            }
        }

        return [.. plan.Seeds];
    }

    /// <summary>
    /// Checks a protobuf Duration as protobuf defines it (nanos within ±999 999 999 with the sign of seconds) and,
    /// here, non-negative and at most <paramref name="max"/>. Returns true when it is valid.
    /// </summary>
    internal static bool CheckDuration(RequestDuration d, string field, TimeSpan max, List<FieldError> errors)
    {
        if (d.Nanos is < -999_999_999 or > 999_999_999 || (d.Seconds > 0 && d.Nanos < 0) || (d.Seconds < 0 && d.Nanos > 0))
        {
            errors.Add(new FieldError(field + ".nanos", $"must be between -999999999 and 999999999 with the sign of seconds (google.protobuf.Duration), got {d.Nanos}"));
            return false;
        }

        if (d.Seconds < 0 || d.Nanos < 0 || d.Seconds > (long)max.TotalSeconds || d.ToTimeSpan() > max)
        {
            errors.Add(new FieldError(field, $"must be between zero and this service's ceiling of {max}, got {d.Seconds} s {d.Nanos} ns"));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Admission: estimates what a workload costs before any of it runs (namespaces, devices, probe creations, RTNL
    /// attempts) and refuses one over the service's limits with RESOURCE_EXHAUSTED naming the field that makes it so.
    /// What the estimate cannot see (a drain that never ends, Poisson tails) the per-simulation budget stops.
    /// </summary>
    internal void CheckWorkloadSize(Workload w)
    {
        CheckNamespaces(w);
        CheckDevices(w);
        CheckProbe(w);
        CheckRtnlUsers(w);
    }

    /// <summary>Simulated milliseconds the workload runs at most: its duration, else its simulated-time bound.</summary>
    private static double HorizonMs(Workload w) =>
        w.Stop.Mode == "duration" ? w.Stop.DurationMs : w.Stop.MaxSimulatedSeconds * 1000;

    private void CheckDevices(Workload w)
    {
        static double PerNet(DeviceMix d) => 1 + (2.0 * d.VethPairs) + d.Physical;
        var parts = new List<(string Field, double Count)>
        {
            ("workload.initial_population.devices", (w.InitialPopulation?.Count ?? 0) * PerNet(w.InitialPopulation?.Devices ?? new DeviceMix())),
            ("workload.burst.devices", (w.Burst?.Count ?? 0) * PerNet(w.Burst?.Devices ?? new DeviceMix())),
            ("workload.loops.devices", w.Loops is { } l ? (double)l.Count * l.Cycles * PerNet(l.Devices) : 0),
            ("workload.churn.devices", w.Churn is { } c ? c.ArrivalsPerSecond * c.DurationMs / 1000 * PerNet(c.Devices) : 0),
        };
        var total = parts.Sum(p => p.Count);
        if (total > _options.MaxDevicesPerWorkload)
        {
            var largest = parts.MaxBy(p => p.Count);
            throw new LimitExceededException(largest.Field,
                string.Create(CultureInfo.InvariantCulture, $"the workload creates about {total:0} network devices (namespaces × devices per namespace, loopback included); this service accepts at most {_options.MaxDevicesPerWorkload}"));
        }
    }

    private void CheckProbe(Workload w)
    {
        if (w.Probe is not { } p || p.IntervalMs <= 0)
        {
            return;
        }

        var end = p.StopMs > 0 ? Math.Min(p.StopMs, HorizonMs(w)) : HorizonMs(w);
        var probes = Math.Max(0, end - p.StartMs) / p.IntervalMs;
        if (probes > _options.MaxProbesPerWorkload)
        {
            throw new LimitExceededException("workload.probe.interval_ms",
                string.Create(CultureInfo.InvariantCulture, $"a probe every {p.IntervalMs} ms over {end - p.StartMs} ms makes about {probes:0} creations; this service accepts at most {_options.MaxProbesPerWorkload}"));
        }
    }

    private void CheckRtnlUsers(Workload w)
    {
        if (w.RtnlUsers is not { Count: > 0 } r)
        {
            return;
        }

        if (r.Count > _options.MaxRtnlUsers)
        {
            throw new LimitExceededException("workload.rtnl_users.count", $"{r.Count} RTNL users; this service accepts at most {_options.MaxRtnlUsers}");
        }

        var perSecond = r.MeanIntervalMs > 0 ? r.Count * 1000 / r.MeanIntervalMs : double.PositiveInfinity;
        if (perSecond > _options.MaxRtnlAttemptsPerSecond)
        {
            throw new LimitExceededException("workload.rtnl_users.mean_interval_ms",
                string.Create(CultureInfo.InvariantCulture, $"{r.Count} RTNL users every {r.MeanIntervalMs} ms attempt {perSecond:G3} acquisitions per simulated second; this service accepts at most {_options.MaxRtnlAttemptsPerSecond:G3}"));
        }
    }

    /// <summary>Refuses a workload over <see cref="ServiceOptions.MaxNamespacesPerWorkload"/>, naming its largest contributor.</summary>
    private void CheckNamespaces(Workload w)
    {
        var parts = new List<(string Field, double Count)>
        {
            ("workload.initial_population.count", w.InitialPopulation?.Count ?? 0),
            ("workload.burst.count", w.Burst?.Count ?? 0),
            ("workload.loops.cycles", w.Loops is { } l ? (double)l.Count * l.Cycles : 0),
            ("workload.churn.arrivals_per_second", w.Churn is { } c ? c.ArrivalsPerSecond * c.DurationMs / 1000 : 0),
        };
        var total = parts.Sum(p => p.Count);
        if (total > _options.MaxNamespacesPerWorkload)
        {
            var largest = parts.MaxBy(p => p.Count);
            throw new LimitExceededException(largest.Field,
                string.Create(CultureInfo.InvariantCulture, $"the workload creates or holds {total:0} namespaces ({largest.Field[9..]} contributes {largest.Count:0}); this service accepts at most {_options.MaxNamespacesPerWorkload}"));
        }
    }

    /// <summary>
    /// A simulation's result key: SHA-256 of everything its result depends on (canonical workload JSON, profile JSON,
    /// policy id, assembly hash, bound parameters, engine version, seed, replication). Runs and tournaments share it.
    /// </summary>
    internal static string ResultKey(string canonicalWorkloadJson, string profileJson, string policyId, string assemblyHash, string canonicalParameters, ulong seed, int replication) =>
        Hash("netnspolicy-simulation/1", canonicalWorkloadJson, profileJson, policyId, assemblyHash,
            canonicalParameters, SimulationEngine.Version, seed.ToString(CultureInfo.InvariantCulture), replication.ToString(CultureInfo.InvariantCulture));

    /// <summary>The canonical JSON of a workload (comments and layout dropped, defaults filled), as result keys hash it.</summary>
    internal static string CanonicalWorkload(string json) => JsonSerializer.Serialize(WorkloadLoader.Parse(json), CanonicalJson);

    private static string Hash(params string[] parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(part));
            sha.AppendData("\u001e"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
