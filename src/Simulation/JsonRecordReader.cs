using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetnsPolicy.Simulation;

/// <summary>
/// Reads the init-only records of workloads and kernel profiles with <see cref="Utf8JsonReader"/> and reflection, as
/// <see cref="JsonInput.Options"/> would through System.Text.Json's serializer, but without its per-type metadata:
/// that metadata is generic over every property type (JsonPropertyInfo&lt;long&gt;, one per enum, …), none of it
/// precompiled by ReadyToRun across the framework's version bubble, and JIT-compiling it was most of the 100–200 ms a
/// first workload and profile cost <c>simulate</c> (issue 16, start-up). Here no generic code runs per property type.
/// Each object is a fresh instance of its record (so every field the document leaves out keeps its initializer's
/// value), then each field the document names is set. The same rules and messages as the serializer: snake_case
/// names, comments and trailing commas allowed, unknown fields refused ("The JSON property 'x' could not be mapped
/// to any .NET member contained in type 'T'."), numbers only from JSON numbers, enums only from their snake_case
/// names, a value of the wrong kind "could not be converted to T", each with the JSON path (<c>$.burst.count</c>).
/// Supported member types: bool, int, long, ulong, double, string, enums, records of the same kind, nullable forms,
/// <see cref="IReadOnlyList{T}"/> and <see cref="IReadOnlyDictionary{TKey, TValue}"/> with string keys of those;
/// another type is refused, naming the member, when its record is first read.
/// </summary>
internal static class JsonRecordReader
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly ConcurrentDictionary<Type, RecordShape> Shapes = new();

    /// <summary>Reads <paramref name="json"/> as a <typeparamref name="T"/>, or null for a JSON <c>null</c>.</summary>
    /// <exception cref="JsonException">Bad syntax, an unknown field or a value of the wrong kind; the path is set.</exception>
    public static T? Read<T>(string json)
        where T : class
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), ReaderOptions);
        var path = new List<string>();
        try
        {
            Next(ref reader);
            var value = (T?)ReadValue(ref reader, typeof(T), path);
            while (reader.Read())
            {
                // Only comments may follow; the reader refuses anything else.
            }

            return value;
        }
        catch (JsonException e) when (e.Path is null)
        {
            // The reader's own syntax error: give it the path, as the serializer does.
            var message = e.Message;
            var cut = message.LastIndexOf(" LineNumber: ", StringComparison.Ordinal);
            var where = Path(path);
            throw new JsonException(cut >= 0 ? $"{message[..cut]} Path: {where} |{message[cut..]}" : $"{message} Path: {where}.", where, e.LineNumber, e.BytePositionInLine, e);
        }
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            // The reader says why (an empty or truncated document).
            throw new JsonException("The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, while reading JSON.", null, 0, 0);
        }
    }

    private static object? ReadValue(ref Utf8JsonReader reader, Type type, List<string> path)
    {
        if (reader.TokenType == JsonTokenType.Null && !type.IsValueType)
        {
            return null;
        }

        if (type == typeof(string))
        {
            return reader.TokenType == JsonTokenType.String ? reader.GetString() : throw NotConvertible(type, path);
        }

        if (type == typeof(bool))
        {
            return reader.TokenType switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => throw NotConvertible(type, path),
            };
        }

        if (type == typeof(int))
        {
            return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) ? i : throw NotConvertible(type, path);
        }

        if (type == typeof(long))
        {
            return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var l) ? l : throw NotConvertible(type, path);
        }

        if (type == typeof(ulong))
        {
            return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var u) ? u : throw NotConvertible(type, path);
        }

        if (type == typeof(double))
        {
            return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var d) ? d : throw NotConvertible(type, path);
        }

        if (type.IsEnum)
        {
            return reader.TokenType == JsonTokenType.String && EnumNames.TryParse(type, reader.GetString()!, out var member) ? member : throw NotConvertible(type, path);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            try
            {
                return ReadValue(ref reader, underlying, path);
            }
            catch (JsonException)
            {
                // The serializer names the nullable type (System.Nullable`1[System.Double]).
                throw NotConvertible(type, path);
            }
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return ReadList(ref reader, type, path);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            return ReadMap(ref reader, type, path);
        }

        return ReadRecord(ref reader, type, path);
    }

    private static IDictionary ReadMap(ref Utf8JsonReader reader, Type type, List<string> path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw NotConvertible(type, path);
        }

        var valueType = type.GetGenericArguments()[1];
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return map;
            }

            var key = reader.GetString()!;
            path.Add(key);
            Next(ref reader);
            map[key] = ReadValue(ref reader, valueType, path);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static IList ReadList(ref Utf8JsonReader reader, Type type, List<string> path)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw NotConvertible(type, path);
        }

        var itemType = type.GetGenericArguments()[0];
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        var last = path.Count - 1;
        var name = path[last];
        for (var index = 0; ; index++)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            path[last] = name + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
            list.Add(ReadValue(ref reader, itemType, path));
            path[last] = name;
        }
    }

    private static object ReadRecord(ref Utf8JsonReader reader, Type type, List<string> path)
    {
        var shape = Shapes.GetOrAdd(type, static t => new RecordShape(t));
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw NotConvertible(type, path);
        }

        var record = shape.Create();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return record;
            }

            var name = reader.GetString()!;
            path.Add(name);
            if (!shape.Members.TryGetValue(name, out var member))
            {
                throw new JsonException($"The JSON property '{name}' could not be mapped to any .NET member contained in type '{type}'. Path: {Path(path)}.", Path(path), null, null);
            }

            Next(ref reader);
            member.SetValue(record, ReadValue(ref reader, member.PropertyType, path));
            path.RemoveAt(path.Count - 1);
        }
    }

    private static JsonException NotConvertible(Type type, List<string> path) =>
        new($"The JSON value could not be converted to {type}. Path: {Path(path)}.", Path(path), null, null);

    private static string Path(List<string> path) => path.Count == 0 ? "$" : "$." + string.Join('.', path);

    /// <summary>A record's settable members by their JSON names, and how to make a fresh instance.</summary>
    private sealed class RecordShape
    {
        private readonly Type _type;

        public RecordShape(Type type)
        {
            _type = type;
            if (type.IsValueType || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new NotSupportedException($"{type} is not a record with a parameterless constructor: JsonRecordReader cannot read it");
            }

            Members = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                if (property.IsDefined(typeof(JsonIgnoreAttribute)) || property.IsDefined(typeof(JsonPropertyNameAttribute)) || property.IsDefined(typeof(JsonConverterAttribute)))
                {
                    throw new NotSupportedException($"{type}.{property.Name}: JSON attributes on members are not supported by JsonRecordReader");
                }

                Supported(property.PropertyType, $"{type}.{property.Name}");
                Members[JsonInputNames.Snake(property.Name)] = property;
            }
        }

        public Dictionary<string, PropertyInfo> Members { get; }

        public object Create() => Activator.CreateInstance(_type)!;

        private static void Supported(Type type, string where)
        {
            if (type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long) || type == typeof(ulong) || type == typeof(double) || type.IsEnum)
            {
                return;
            }

            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                Supported(underlying, where);
                return;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                Supported(type.GetGenericArguments()[0], where);
                return;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
            {
                Supported(type.GetGenericArguments()[1], where);
                return;
            }

            if (type.IsValueType || type.IsInterface || type.IsAbstract)
            {
                throw new NotSupportedException($"{where}: {type} is not a type JsonRecordReader reads");
            }
        }
    }

    /// <summary>Enum members by their snake_case names (the names <see cref="JsonInput.Options"/> writes and reads).</summary>
    private static class EnumNames
    {
        private static readonly ConcurrentDictionary<Type, Dictionary<string, object>> Names = new();

        public static bool TryParse(Type type, string text, out object? member)
        {
            var names = Names.GetOrAdd(type, static t =>
            {
                var byName = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var field in t.GetFields(BindingFlags.Public | BindingFlags.Static))
                {
                    byName[JsonInputNames.Snake(field.Name)] = field.GetValue(null)!;
                }

                return byName;
            });
            if (names.TryGetValue(text, out member))
            {
                return true;
            }

            // As the serializer's enum converter: the snake_case or the member's own name in another case is
            // accepted, a number is not.
            foreach (var (name, value) in names)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || string.Equals(Enum.GetName(type, value), text, StringComparison.OrdinalIgnoreCase))
                {
                    member = value;
                    return true;
                }
            }

            member = null;
            return false;
        }
    }
}
