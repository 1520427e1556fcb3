using System.Text.Json;
using System.Text.Json.Serialization;
using NetnsPolicy.Service.Runs;

namespace NetnsPolicy.Service.Persistence;

/// <summary>
/// A run's normalized request as the store keeps it (<c>runs.request_json</c>): the service's own record, snake_case
/// JSON with a <c>schema_version</c>, so that the stored form does not depend on the API's protobuf encoding. Mapped
/// from and to the service's <see cref="RunRequest"/> at the store's edge (its fields, parameters sorted by name).
/// </summary>
/// <param name="SchemaVersion">The record's version; <see cref="CurrentSchemaVersion"/> is the only one read.</param>
/// <param name="WorkloadJson">The workload's JSON text, when given as content.</param>
/// <param name="WorkloadBuiltin">The shipped workload's name, when given by name.</param>
/// <param name="KernelProfile">The kernel profile id (empty: the workload's).</param>
/// <param name="Policies">The contenders, in request order.</param>
/// <param name="Baseline">The baseline's label (empty: the first).</param>
/// <param name="Seeds">The seeds (empty: the workload's).</param>
/// <param name="Replications">Replications per seed (0: the workload's).</param>
/// <param name="Timeout">The run's timeout, when set.</param>
/// <param name="Description">The run's free text.</param>
internal sealed record StoredRequest(
    int SchemaVersion,
    string? WorkloadJson,
    string? WorkloadBuiltin,
    string KernelProfile,
    IReadOnlyList<StoredContender> Policies,
    string Baseline,
    IReadOnlyList<ulong> Seeds,
    int Replications,
    StoredDuration? Timeout,
    string Description)
{
    /// <summary>The version this build writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static StoredRequest From(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new StoredRequest(
            CurrentSchemaVersion,
            request.WorkloadJson,
            request.WorkloadBuiltin,
            request.KernelProfile,
            request.Contenders.Select(p => new StoredContender(p.Label, p.Policy, new SortedDictionary<string, string>(p.Parameters.ToDictionary(), StringComparer.Ordinal))).ToList(),
            request.Baseline,
            request.Seeds,
            request.Replications,
            request.Timeout is { } t ? new StoredDuration(t.Seconds, t.Nanos) : null,
            request.Description);
    }

    /// <summary>The request this record stands for (what the coordinator plans from).</summary>
    public RunRequest ToRequest() => new(
        WorkloadJson,
        WorkloadBuiltin,
        KernelProfile,
        [.. Policies.Select(p => new ContenderRequest(p.Label, p.Policy, p.Parameters))],
        Baseline,
        Seeds,
        Replications,
        Timeout is { } t ? new RequestDuration(t.Seconds, t.Nanos) : null,
        Description);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored record; a version other than this build's is refused naming it.</summary>
    public static StoredRequest FromJson(string json)
    {
        var record = JsonSerializer.Deserialize<StoredRequest>(json, Json) ?? throw new InvalidDataException("a stored request is empty");
        return record.SchemaVersion == CurrentSchemaVersion
            ? record
            : throw new InvalidDataException($"a stored request has schema_version {record.SchemaVersion}; this build reads {CurrentSchemaVersion}");
    }
}

/// <summary>One contender of a <see cref="StoredRequest"/>.</summary>
internal sealed record StoredContender(string Label, string Policy, IReadOnlyDictionary<string, string> Parameters);

/// <summary>A protobuf Duration's two fields, exactly.</summary>
internal sealed record StoredDuration(long Seconds, int Nanos);
