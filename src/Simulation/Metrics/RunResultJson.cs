using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NetnsPolicy.Simulation.Metrics;

/// <summary>The one serializer of <see cref="RunResult"/>: snake_case, fixed field order, invariant numbers.</summary>
public static class RunResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Writing through generated metadata (SimulationJsonContext), with the same options: the same bytes without the
    // reflection-built metadata. Reading stays on Options: generated metadata would lose the defaults of the init-only
    // properties a document leaves out (dotnet/runtime#84484).
    private static readonly JsonSerializerOptions WriteOptions = new(Options)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(SimulationJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static string Serialize(RunResult result) => JsonSerializer.Serialize(result, WriteOptions);

    /// <summary>The same JSON as <see cref="Serialize"/>, as UTF-8 (half the memory of the string, no transcoding).</summary>
    public static byte[] SerializeToUtf8Bytes(RunResult result) => JsonSerializer.SerializeToUtf8Bytes(result, WriteOptions);

    /// <summary>The same JSON as <see cref="Serialize"/>, as UTF-8 written to <paramref name="utf8Json"/> through pooled buffers.</summary>
    public static void Serialize(Stream utf8Json, RunResult result) => JsonSerializer.Serialize(utf8Json, result, WriteOptions);

    public static RunResult Deserialize(string json) =>
        JsonSerializer.Deserialize<RunResult>(json, Options) ?? throw new JsonException("empty run result");
}
