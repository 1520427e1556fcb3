using System.Globalization;
using System.Text.RegularExpressions;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>
/// Rounds the coordinates Skia writes with six or more digits (x="121.94199") to a tenth of a pixel in geometry
/// attributes only (d, x, y, width, height, transform), leaving opacities and font sizes alone: a third less text,
/// no visible change.
/// </summary>
public static partial class SvgNumbers
{
    public static string Compact(string svg) => GeometryAttribute().Replace(svg, m =>
        m.Groups[1].Value + "=\"" + Decimal().Replace(m.Groups[2].Value, n => Round(n.Value)) + "\"");

    private static string Round(string number) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? Math.Round(v, 1, MidpointRounding.AwayFromZero).ToString("0.#", CultureInfo.InvariantCulture)
            : number;

    [GeneratedRegex("\\b(d|x|y|width|height|transform)=\"([^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex GeometryAttribute();

    [GeneratedRegex("-?\\d+\\.\\d{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Decimal();
}
