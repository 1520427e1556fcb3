using System.Globalization;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>Invariant, fixed-precision number text shared by the Markdown, CSV and HTML writers.</summary>
public static class Format
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>About four significant digits without exponent notation for everyday magnitudes.</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v))
        {
            return "n/a";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "∞" : "-∞";
        }

        var a = Math.Abs(v);
        return a switch
        {
            0 => "0",
            >= 1e7 => v.ToString("0.###e+0", C),
            >= 1000 => v.ToString("F0", C),
            >= 100 => v.ToString("F1", C),
            >= 10 => v.ToString("F2", C),
            >= 1 => v.ToString("F3", C),
            >= 1e-3 => v.ToString("0.####", C),
            _ => v.ToString("0.###e+0", C),
        };
    }

    /// <summary>A ratio to the baseline, BenchmarkDotNet style ("1.00", "0.43").</summary>
    public static string Ratio(double r) => double.IsFinite(r) ? r.ToString("F2", C) : Number(r);

    /// <summary>A p-value ("&lt;0.001" below a thousandth).</summary>
    public static string PValue(double p) => double.IsNaN(p) ? "n/a" : p < 0.001 ? "<0.001" : p.ToString("F3", C);

    /// <summary>Round-trip text for machine-readable outputs (CSV).</summary>
    public static string Exact(double v) => double.IsFinite(v) ? v.ToString("R", C) : "";

    /// <summary>A percentage with one decimal.</summary>
    public static string Percent(double v) => v.ToString("F1", C) + "%";
}
