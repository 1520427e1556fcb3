using System.Text.Encodings.Web;
using System.Text.Json;
using NetnsPolicy.Reports;

namespace NetnsPolicy.Service.Runs;

/// <summary>How the service stores a <see cref="ComparisonReport"/>: its records as snake_case JSON, read back losslessly.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(ComparisonReport report) => JsonSerializer.Serialize(report, Options);

    public static ComparisonReport Deserialize(string json) =>
        JsonSerializer.Deserialize<ComparisonReport>(json, Options) ?? throw new JsonException("empty report");
}
