namespace NetnsPolicy.Reports.Rendering;

/// <summary>Fixed policy colours (Tableau 10), so a policy keeps its colour in every plot of a page.</summary>
public static class Palette
{
    private static readonly string[] Hex =
    [
        "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
    ];

    public static string ColorHex(int index) => Hex[index % Hex.Length];

    public static ScottPlot.Color Color(int index) => ScottPlot.Color.FromHex(ColorHex(index));
}
