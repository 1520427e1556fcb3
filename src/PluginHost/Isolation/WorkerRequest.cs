using System.Text.Json;
using System.Text.Json.Serialization;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation.Engine;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>
/// What the host writes to the worker's stdin (snake_case JSON, docs/plugins.md): everything one run (or one probe of
/// the plugins folder) needs, self-contained so the worker reads no other input. Only this request and the result
/// cross the process boundary: never a call per decision.
/// </summary>
public sealed record WorkerRequest
{
    /// <summary><see cref="WorkerModes.Run"/> (the default: one simulation) or <see cref="WorkerModes.Probe"/> (list the policies of the plugins folder).</summary>
    public string Mode { get; init; } = WorkerModes.Run;

    /// <summary>The workload, as workload-format JSON (run mode).</summary>
    public JsonElement? Workload { get; init; }

    /// <summary>A shipped kernel profile id (e.g. <c>v4.9</c>) or a profile file path (run mode).</summary>
    public string KernelProfile { get; init; } = "";

    /// <summary>The policy spec (an id or a stack; run mode).</summary>
    public string Policy { get; init; } = "";

    /// <summary>Raw parameter values by name.</summary>
    public Dictionary<string, string>? Parameters { get; init; }

    public ulong Seed { get; init; }

    public int Replication { get; init; }

    /// <summary>The plugins folder the worker loads (without watching it).</summary>
    public required string PluginsDirectory { get; init; }

    /// <summary>
    /// The assembly hash the host accepted the run with (a policy's, or a stack's combined hash); the worker refuses
    /// to run anything else. Identifies the plugin across hosts (a cluster ships the request, not the folder path).
    /// </summary>
    public string? AssemblyHash { get; init; }

    /// <summary>Per-decision CPU budget in milliseconds.</summary>
    public double DecisionCpuMs { get; init; } = ContainmentOptions.Default.DecisionCpu.TotalMilliseconds;

    /// <summary>Per-decision allocation budget in bytes.</summary>
    public long DecisionAllocatedBytes { get; init; } = ContainmentOptions.Default.DecisionAllocatedBytes;

    /// <summary>
    /// The work the simulation may do (<c>max_events</c>, <c>max_pending_events</c>, <c>max_devices</c>); null: no
    /// bound. Over it the run ends <c>budget-exceeded</c> naming what ran away, as it does in-process.
    /// </summary>
    public SimulationBudget? Budget { get; init; }

    /// <summary>The JSON options shared by the host and the worker.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Workload-format JSON of <paramref name="workload"/> (the loader's snake_case names).</summary>
    public static JsonElement WorkloadJson(Workload workload) => JsonSerializer.SerializeToElement(workload, JsonOptions);
}

/// <summary>The worker's modes.</summary>
public static class WorkerModes
{
    /// <summary>Run one simulation; the RunResult JSON on stdout.</summary>
    public const string Run = "run";

    /// <summary>Load every plugin of the folder (constructors, static constructors, descriptors); a <see cref="WorkerProbeResult"/> on stdout.</summary>
    public const string Probe = "probe";
}

/// <summary>What the worker writes to stdout when the input was invalid (exit code 2).</summary>
/// <param name="Errors">Each invalid field.</param>
public sealed record WorkerInputErrors(IReadOnlyList<WorkerFieldError> Errors);

/// <summary>One invalid field.</summary>
public sealed record WorkerFieldError(string Field, string Message);

/// <summary>What a probe found: each policy's descriptor as the plugin reports it, and each folder refused, with the reason.</summary>
/// <param name="Policies">The policies loaded.</param>
/// <param name="Problems">Folders the worker's loader refused.</param>
public sealed record WorkerProbeResult(IReadOnlyList<ProbedPolicy> Policies, IReadOnlyList<WorkerFieldError> Problems);

/// <summary>One probed policy: the plugin folder's name, its assembly hash and its descriptor.</summary>
public sealed record ProbedPolicy(string Folder, string AssemblyHash, string Id, string Version, string Description, DecisionPoint Overrides, IReadOnlyList<ParameterSpec> Parameters)
{
    /// <summary>The host's copy of the descriptor.</summary>
    public PolicyDescriptor ToDescriptor() => new(Id, System.Version.Parse(Version), Description, Overrides, Parameters.ToArray());
}
