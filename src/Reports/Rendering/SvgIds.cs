using System.Globalization;
using System.Text.RegularExpressions;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>
/// Skia's SVG canvas numbers clip paths from a process-wide counter (hexadecimal: <c>cl_34</c>, <c>cl_6a</c>…), so the same plot
/// drawn twice gives different text. Renumbering them by first appearance makes each SVG depend only on its content.
/// </summary>
public static partial class SvgIds
{
    public static string Normalize(string svg)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        return ClipId().Replace(svg, m =>
        {
            if (!map.TryGetValue(m.Value, out var id))
            {
                id = "cl_" + map.Count.ToString(CultureInfo.InvariantCulture);
                map[m.Value] = id;
            }

            return id;
        });
    }

    [GeneratedRegex(@"\bcl_[0-9a-fA-F]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex ClipId();
}
