using System.Text.Json;
using System.Text.Json.Serialization;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>
/// What <see cref="IsolatedRunner"/> writes to the worker's stdin (snake_case JSON, docs/plugins.md): everything one
/// run needs, self-contained so the worker reads no other input.
/// </summary>
public sealed record WorkerRequest
{
    /// <summary>The workload, as workload-format JSON.</summary>
    public required JsonElement Workload { get; init; }

    /// <summary>A shipped kernel profile id (e.g. <c>v4.9</c>) or a profile file path.</summary>
    public required string KernelProfile { get; init; }

    /// <summary>The policy spec (an id or a stack).</summary>
    public required string Policy { get; init; }

    /// <summary>Raw parameter values by name.</summary>
    public Dictionary<string, string>? Parameters { get; init; }

    public ulong Seed { get; init; }

    public int Replication { get; init; }

    /// <summary>The plugins folder the worker loads (without watching it).</summary>
    public required string PluginsDirectory { get; init; }

    /// <summary>Per-decision CPU budget in milliseconds.</summary>
    public double DecisionCpuMs { get; init; } = ContainmentOptions.Default.DecisionCpu.TotalMilliseconds;

    /// <summary>Per-decision allocation budget in bytes.</summary>
    public long DecisionAllocatedBytes { get; init; } = ContainmentOptions.Default.DecisionAllocatedBytes;

    /// <summary>The JSON options shared by the host and the worker.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Workload-format JSON of <paramref name="workload"/> (the loader's snake_case names).</summary>
    public static JsonElement WorkloadJson(Workload workload) => JsonSerializer.SerializeToElement(workload, JsonOptions);
}

/// <summary>What the worker writes to stdout when the input was invalid (exit code 2).</summary>
/// <param name="Errors">Each invalid field.</param>
public sealed record WorkerInputErrors(IReadOnlyList<WorkerFieldError> Errors);

/// <summary>One invalid field.</summary>
public sealed record WorkerFieldError(string Field, string Message);
