using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetnsPolicy.Simulation;

/// <summary>Strict JSON reading shared by workloads and kernel profiles: snake_case, unknown fields rejected.</summary>
internal static class JsonInput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>Deserializes <paramref name="json"/>; a syntax or type error becomes a field error naming the path.</summary>
    public static T Parse<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InputValidationException("$", $"the {what} is empty (null)");
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            var reason = e.Message;
            var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0)
            {
                reason = reason[..cut];
            }

            throw new InputValidationException(FieldPath(path), $"invalid {what}: {reason}");
        }
    }

    /// <summary>"$.machine.cpus" → "machine.cpus".</summary>
    public static string FieldPath(string jsonPath) =>
        jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;
}
