using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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

        // Generated metadata for the two formats (start-up); reflection for anything else read with these options.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(JsonInputContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Deserializes <paramref name="json"/>, the properties it leaves out at their initializers' values
    /// (<see cref="JsonInputDefaults"/>); a syntax or type error becomes a field error naming the path.
    /// </summary>
    public static T Parse<T>(string json, string what)
        where T : class
    {
        try
        {
            var info = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
            var value = JsonSerializer.Deserialize(json, info)
                ?? throw new InputValidationException("$", $"the {what} is empty (null)");
            using (var document = JsonDocument.Parse(json, DocumentOptions))
            {
                JsonInputDefaults.Apply(value, document.RootElement, info);
            }

            return value;
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
