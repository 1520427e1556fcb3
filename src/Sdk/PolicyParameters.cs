using System.Globalization;

namespace NetnsPolicy.Sdk;

/// <summary>
/// The validated parameter values of one run: every declared parameter has a value (the user's, or
/// its default). Built by the host; policies read it in <see cref="ICleanupPolicy.Configure"/>.
/// </summary>
public sealed class PolicyParameters
{
    private readonly Dictionary<string, double> _values;

    private PolicyParameters(Dictionary<string, double> values) => _values = values;

    /// <summary>An empty set, for policies that declare no parameters.</summary>
    public static PolicyParameters Empty { get; } = new(new Dictionary<string, double>(StringComparer.Ordinal));

    /// <summary>All values by name, in declaration order.</summary>
    public IReadOnlyDictionary<string, double> Values => _values;

    /// <summary>
    /// Validates raw user values against the declared specs. Unknown names and out-of-range values are errors;
    /// a missing value takes the declared default. Errors are "name: reason".
    /// </summary>
    public static PolicyParameters Bind(IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, string>? raw, out IReadOnlyList<string> errors)
    {
        var list = new List<string>();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (raw is not null && raw.TryGetValue(spec.Name, out var text))
            {
                if (spec.TryParse(text, out var v, out var error))
                {
                    values[spec.Name] = v;
                }
                else
                {
                    list.Add($"{spec.Name}: {error}");
                }
            }
            else
            {
                values[spec.Name] = spec.Default;
            }
        }

        if (raw is not null)
        {
            foreach (var name in raw.Keys.Where(k => !specs.Any(s => s.Name == k)).Order(StringComparer.Ordinal))
            {
                list.Add($"{name}: unknown parameter (declared: {string.Join(", ", specs.Select(s => s.Name))})");
            }
        }

        errors = list;
        return new PolicyParameters(values);
    }

    /// <summary>An integer parameter's value.</summary>
    public long GetInt64(string name) => (long)Get(name);

    /// <summary>A real parameter's value.</summary>
    public double GetDouble(string name) => Get(name);

    /// <summary>A boolean parameter's value.</summary>
    public bool GetBoolean(string name) => Get(name) != 0;

    /// <summary>Canonical text of the values ("a=1,b=2"), used in run identities.</summary>
    public override string ToString() =>
        string.Join(",", _values.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:R}")));

    private double Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"parameter '{name}' is not declared by this policy");
}
