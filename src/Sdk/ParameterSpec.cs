using System.Globalization;

namespace NetnsPolicy.Sdk;

/// <summary>A parameter a policy declares: its name, type, default and allowed range.</summary>
/// <param name="Name">snake_case name used in workloads, tournaments and the API.</param>
/// <param name="Kind">The parameter's type.</param>
/// <param name="Default">Default value (booleans: 0 or 1).</param>
/// <param name="Min">Smallest allowed value (ignored for booleans).</param>
/// <param name="Max">Largest allowed value (ignored for booleans).</param>
/// <param name="Description">One sentence for users: what the parameter changes.</param>
public sealed record ParameterSpec(string Name, ParameterKind Kind, double Default, double Min, double Max, string Description)
{
    /// <summary>Declares an integer parameter.</summary>
    public static ParameterSpec Integer(string name, long defaultValue, long min, long max, string description) =>
        new(name, ParameterKind.Integer, defaultValue, min, max, description);

    /// <summary>Declares a real-valued parameter.</summary>
    public static ParameterSpec Real(string name, double defaultValue, double min, double max, string description) =>
        new(name, ParameterKind.Real, defaultValue, min, max, description);

    /// <summary>Declares a boolean parameter.</summary>
    public static ParameterSpec Boolean(string name, bool defaultValue, string description) =>
        new(name, ParameterKind.Boolean, defaultValue ? 1 : 0, 0, 1, description);

    /// <summary>
    /// Parses and range-checks a raw value given by a user. Returns false with a reason naming what is wrong.
    /// </summary>
    public bool TryParse(string raw, out double value, out string? error)
    {
        value = 0;
        error = null;
        switch (Kind)
        {
            case ParameterKind.Boolean:
                if (bool.TryParse(raw, out var b))
                {
                    value = b ? 1 : 0;
                    return true;
                }

                error = $"'{raw}' is not a boolean (true or false)";
                return false;
            case ParameterKind.Integer:
                if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                {
                    error = $"'{raw}' is not an integer";
                    return false;
                }

                value = l;
                break;
            default:
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                {
                    error = $"'{raw}' is not a finite number";
                    return false;
                }

                value = d;
                break;
        }

        if (value < Min || value > Max)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{value} is outside the allowed range [{Min}, {Max}]");
            return false;
        }

        return true;
    }
}
