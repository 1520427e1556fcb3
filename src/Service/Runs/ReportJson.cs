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

    // Reports' serializer: NaN ratios and p-values (baseline 0, deterministic comparisons, metrics not measured) as null.
    public static string Serialize(ComparisonReport report) => Reports.Rendering.ReportJson.Serialize(report);

    public static ComparisonReport Deserialize(string json) => Reports.Rendering.ReportJson.Deserialize<ComparisonReport>(json);
}
