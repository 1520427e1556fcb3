using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetnsPolicy.Simulation;

/// <summary>
/// Strict JSON reading shared by workloads and kernel profiles: snake_case, unknown fields rejected. Read by
/// <see cref="JsonRecordReader"/>, which follows <see cref="Options"/> without the serializer's per-type metadata.
/// </summary>
internal static class JsonInput
{
    /// <summary>The serializer options the formats are defined by (what <see cref="JsonRecordReader"/> reads as).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>
    /// Reads <paramref name="json"/>, the fields it leaves out at their initializers' values; a syntax or type error
    /// becomes a field error naming the path.
    /// </summary>
    public static T Parse<T>(string json, string what)
        where T : class
    {
        try
        {
            return JsonRecordReader.Read<T>(json)
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

            if (UnknownField(typeof(T), reason) is { } unknown)
            {
                throw new InputValidationException(FieldPath(path), $"unknown field '{unknown.Name}' in the {what}{Suggest.Closest(unknown.Name, unknown.Known)} (known here: {string.Join(", ", unknown.Known)})");
            }

            throw new InputValidationException(FieldPath(path), $"invalid {what}: {reason}");
        }
    }

    /// <summary>
    /// The field and the valid names of its object, from System.Text.Json's "The JSON property 'x' could not be mapped
    /// to any .NET member contained in type 'T'." (the type is searched in <paramref name="root"/>'s assembly).
    /// </summary>
    private static (string Name, string[] Known)? UnknownField(Type root, string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "The JSON property '(?<name>[^']*)' could not be mapped to any \\.NET member contained in type '(?<type>[^']*)'");
        if (!m.Success || root.Assembly.GetType(m.Groups["type"].Value) is not { } type)
        {
            return null;
        }

        var known = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanWrite || p.SetMethod is not null)
            .Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false) is [JsonPropertyNameAttribute a, ..] ? a.Name : JsonInputNames.Snake(p.Name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return (m.Groups["name"].Value, known);
    }

    /// <summary>"$.machine.cpus" → "machine.cpus".</summary>
    public static string FieldPath(string jsonPath) =>
        jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;
}
