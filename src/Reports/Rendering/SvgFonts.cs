using System.Text.RegularExpressions;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>
/// Skia writes the font a plot was measured with (<see cref="PlotFactory.MeasureFont"/>) into every text element;
/// reports show plots in the page's font stack instead (<see cref="HtmlPage.FontStack"/>), the measuring font kept
/// as a fallback so text widths stay close to those measured.
/// </summary>
public static partial class SvgFonts
{
    public static string UsePageFont(string svg) =>
        FontFamily().Replace(svg, $"font-family=\"{HtmlPage.FontStack.Replace("\"", "'", StringComparison.Ordinal)}\"");

    [GeneratedRegex("font-family=\"[^\"]*\"", RegexOptions.CultureInvariant)]
    private static partial Regex FontFamily();
}
