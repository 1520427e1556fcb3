using System.Text.Encodings.Web;
using System.Text.Json;

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

    public static string Serialize(RunResult result) => JsonSerializer.Serialize(result, Options);

    public static RunResult Deserialize(string json) =>
        JsonSerializer.Deserialize<RunResult>(json, Options) ?? throw new JsonException("empty run result");
}
