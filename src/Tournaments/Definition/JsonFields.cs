using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Tournaments.Definition;

/// <summary>Typed reads from a JSON object that record a <see cref="FieldError"/> naming the path instead of throwing.</summary>
internal sealed class JsonFields(List<FieldError> errors)
{
    public List<FieldError> Errors { get; } = errors;

    public void Error(string path, string message) => Errors.Add(new FieldError(path, message));

    /// <summary>Reports every property of <paramref name="obj"/> not in <paramref name="known"/>.</summary>
    public void RejectUnknown(JsonObject obj, string path, params string[] known)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                Error(Join(path, key), $"unknown field{Suggest.Closest(key, known)} (known: {string.Join(", ", known)})");
            }
        }
    }

    public string? String(JsonObject obj, string path, string key, bool required = false)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            Error(Join(path, key), $"must be a string, not {Kind(node)}");
            return null;
        }

        var s = node.GetValue<string>();
        if (required && string.IsNullOrWhiteSpace(s))
        {
            Error(Join(path, key), "must not be empty");
            return null;
        }

        return s;
    }

    public double? Number(JsonObject obj, string path, string key, double min, double max, bool required = false, bool integer = false)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number)
        {
            Error(Join(path, key), $"must be a number, not {Kind(node)}");
            return null;
        }

        var v = node.GetValue<double>();
        if (integer && Math.Floor(v) != v)
        {
            Error(Join(path, key), string.Create(CultureInfo.InvariantCulture, $"{v} is not an integer"));
            return null;
        }

        if (v < min || v > max)
        {
            Error(Join(path, key), string.Create(CultureInfo.InvariantCulture, $"{v} is outside [{min}, {max}]"));
            return null;
        }

        return v;
    }

    public ulong? UInt64(JsonObject obj, string path, string key)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number && ulong.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Error(Join(path, key), "must be a non-negative integer");
        return null;
    }

    public bool? Bool(JsonObject obj, string path, string key)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return node.GetValue<bool>();
        }

        Error(Join(path, key), $"must be true or false, not {Kind(node)}");
        return null;
    }

    public JsonObject? Object(JsonObject obj, string path, string key, bool required = false)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        if (node is JsonObject o)
        {
            return o;
        }

        Error(Join(path, key), $"must be an object, not {Kind(node)}");
        return null;
    }

    public JsonArray? Array(JsonObject obj, string path, string key, bool required = false, bool nonEmpty = false)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        if (node is not JsonArray a)
        {
            Error(Join(path, key), $"must be an array, not {Kind(node)}");
            return null;
        }

        if (nonEmpty && a.Count == 0)
        {
            Error(Join(path, key), "must not be empty");
            return null;
        }

        return a;
    }

    /// <summary>A list of strings; null entries and non-strings are errors.</summary>
    public IReadOnlyList<string>? Strings(JsonObject obj, string path, string key, bool nonEmpty = false)
    {
        var array = Array(obj, path, key, nonEmpty: nonEmpty);
        if (array is null)
        {
            return null;
        }

        var list = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is { } n && n.GetValueKind() == JsonValueKind.String)
            {
                list.Add(n.GetValue<string>());
            }
            else
            {
                Error($"{Join(path, key)}[{i}]", "must be a string");
            }
        }

        return list;
    }

    /// <summary>A parameter value as the invariant text the catalog parses: numbers as written, booleans as true/false.</summary>
    public string? Scalar(JsonNode? node, string path)
    {
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                return node.ToJsonString();
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.String:
                return node.GetValue<string>();
            default:
                Error(path, "must be a number, boolean or string");
                return null;
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Kind(JsonNode node) => node.GetValueKind().ToString().ToLowerInvariant();
}
