using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Composition;

/// <summary>
/// Maps user parameter names onto a policy's declared names: in a stack, <c>batch_size</c> means
/// <c>batching.batch_size</c> when exactly one member declares it; a single policy also accepts <c>batching.batch_size</c>.
/// </summary>
internal static class ParameterNames
{
    public static Dictionary<string, string>? Normalize(PolicyDescriptor descriptor, bool isStack, IReadOnlyDictionary<string, string>? raw, List<string> errors)
    {
        if (raw is null)
        {
            return null;
        }

        var declared = descriptor.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            var resolved = name;
            if (!isStack && name.StartsWith(descriptor.Id + ".", StringComparison.Ordinal))
            {
                resolved = name[(descriptor.Id.Length + 1)..];
            }
            else if (isStack && !declared.Contains(name))
            {
                var candidates = declared.Where(d => d.EndsWith("." + name, StringComparison.Ordinal)).ToList();
                if (candidates.Count > 1)
                {
                    errors.Add($"{name}: ambiguous in this stack, qualify it ({string.Join(" or ", candidates)})");
                    continue;
                }

                resolved = candidates.Count == 1 ? candidates[0] : name;
            }

            if (!result.TryAdd(resolved, value))
            {
                errors.Add($"{resolved}: given twice");
            }
        }

        return result;
    }
}
