using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NetnsPolicy.Simulation;

/// <summary>
/// The post-read step of <see cref="JsonInput"/>: every property of an object that its document leaves out gets the
/// value a fresh instance of its type has (its initializer's), as reflection-based reading gave it. Objects the
/// document does contain, directly or as array items, are visited in turn; what the document sets, even to a
/// default, is kept. Needed because generated metadata loses initializers (see <see cref="JsonInputContext"/>).
/// </summary>
internal static class JsonInputDefaults
{
    /// <summary>Fills the left-out properties of <paramref name="value"/> (read from <paramref name="document"/>).</summary>
    public static void Apply(object value, JsonElement document, JsonTypeInfo info) => Visit(value, document, info);

    private static void Visit(object? value, JsonElement element, JsonTypeInfo info)
    {
        if (value is null)
        {
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                VisitObject(value, element, info);
                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } itemType:
                var itemInfo = info.Options.GetTypeInfo(itemType);
                if (itemInfo.Kind is JsonTypeInfoKind.None)
                {
                    return;
                }

                using (var items = element.EnumerateArray())
                {
                    foreach (var item in (IEnumerable)value)
                    {
                        if (!items.MoveNext())
                        {
                            break;
                        }

                        Visit(item, items.Current, itemInfo);
                    }
                }

                break;
        }
    }

    private static void VisitObject(object value, JsonElement element, JsonTypeInfo info)
    {
        object? fresh = null;
        foreach (var property in info.Properties)
        {
            if (property.Get is not { } get)
            {
                continue;
            }

            if (element.TryGetProperty(property.Name, out var child))
            {
                Visit(get(value), child, info.Options.GetTypeInfo(property.PropertyType));
                continue;
            }

            fresh ??= Activator.CreateInstance(info.Type)
                ?? throw new InvalidOperationException($"{info.Type} has no parameterless constructor");
            var initial = get(fresh);
            if (!Equals(initial, get(value)))
            {
                var member = property.AttributeProvider as PropertyInfo
                    ?? throw new InvalidOperationException($"{info.Type}.{property.Name} is not a property");
                member.SetValue(value, initial);
            }
        }
    }
}
