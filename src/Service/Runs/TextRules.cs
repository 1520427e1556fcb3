using System.Globalization;
using System.Text.Json;

namespace NetnsPolicy.Service.Runs;

/// <summary>
/// What the service accepts in client text beyond each format's own rules: names and labels without control,
/// NUL or bidirectional-override characters (they forge what a report or a terminal shows) and of bounded length;
/// JSON documents without duplicate keys (two readers could disagree about the value) and with their format version.
/// </summary>
internal static class TextRules
{
    public const int MaxNameLength = 200;

    /// <summary>Why <paramref name="name"/> is not acceptable as a name or label, or null.</summary>
    public static string? CheckName(string name)
    {
        if (name.Length > MaxNameLength)
        {
            return $"must be at most {MaxNameLength} characters, got {name.Length}";
        }

        return FirstForbidden(name, allowLineBreaks: false);
    }

    /// <summary>A description of the first forbidden character in <paramref name="text"/>, or null.</summary>
    public static string? FirstForbidden(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (allowLineBreaks && c is '\n' or '\r' or '\t')
            {
                continue;
            }

            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control || IsBidiControl(c))
            {
                return $"contains the {(category is UnicodeCategory.Control ? "control" : "bidirectional formatting")} character U+{(int)c:X4} at index {i}; names and labels must be printable text";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"contains an unpaired surrogate at index {i}";
            }
        }

        return null;
    }

    /// <summary>
    /// The first duplicate key (named by its path) or the missing <paramref name="requiredRootKey"/> of a JSON document;
    /// null when there is none or the text is not JSON (the format's parser reports that with its own words).
    /// </summary>
    public static (string Field, string Message)? CheckJsonDocument(string text, string requiredRootKey)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (FindDuplicate(document.RootElement, "") is { } duplicate)
            {
                return duplicate;
            }

            if (document.RootElement.ValueKind == JsonValueKind.Object && !document.RootElement.TryGetProperty(requiredRootKey, out _))
            {
                return (requiredRootKey, "is required (the format version the document is written for; this build reads 1)");
            }
        }

        return null;
    }

    private static (string Field, string Message)? FindDuplicate(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var child = path.Length == 0 ? property.Name : path + "." + property.Name;
                    if (!seen.Add(property.Name))
                    {
                        return (RpcBound(child), "appears twice; each key may be given once");
                    }

                    if (FindDuplicate(property.Value, child) is { } inner)
                    {
                        return inner;
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindDuplicate(item, $"{path}[{i++}]") is { } inner)
                    {
                        return inner;
                    }
                }

                break;
        }

        return null;
    }

    private static string RpcBound(string field) => field.Length > 128 ? field[..127] + "…" : field;

    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
