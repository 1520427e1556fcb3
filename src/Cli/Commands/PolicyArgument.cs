using NetnsPolicy.Contracts.V1;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cli.Commands;

/// <summary>
/// A contender written as <c>SPEC[:NAME=VALUE,…]</c>, e.g. <c>upstream</c>, <c>batching:batch_size=32</c>,
/// <c>uevent-skip+batching:batching.batch_size=8</c>. Its label is the spec, with the parameters in brackets.
/// </summary>
internal static class PolicyArgument
{
    public static PolicyEntry Parse(string text, string field)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var spec = (colon < 0 ? text : text[..colon]).Trim();
        if (spec.Length == 0)
        {
            throw new InputValidationException(field, $"'{text}' names no policy");
        }

        var entry = new PolicyEntry { Policy = spec };
        if (colon >= 0)
        {
            foreach (var pair in text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == pair.Length - 1)
                {
                    throw new InputValidationException(field, $"parameter '{pair}' is not NAME=VALUE");
                }

                var name = pair[..eq].Trim();
                if (entry.Parameters.ContainsKey(name))
                {
                    throw new InputValidationException(field, $"parameter '{name}' is given twice");
                }

                entry.Parameters.Add(name, pair[(eq + 1)..].Trim());
            }
        }

        entry.Label = entry.Parameters.Count == 0 ? spec : $"{spec}[{string.Join(",", entry.Parameters.Select(p => p.Key + "=" + p.Value))}]";
        return entry;
    }
}
