using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>
/// A self-contained HTML page: inline CSS, plots embedded as base64 SVG images (each its own document, so the
/// element ids ScottPlot writes cannot collide between plots), and a render check: every script error is recorded
/// and, once the page has loaded, <c>#render-check</c> carries the number of plots expected, the number the browser
/// actually decoded, and the errors (read by the headless-Chromium test).
/// </summary>
public sealed partial class HtmlPage
{
    /// <summary>The page's font stack, also written into every plot (<see cref="SvgFonts"/>).</summary>
    public const string FontStack = "system-ui, -apple-system, \"Segoe UI\", \"DejaVu Sans\", sans-serif";

    /// <summary>Ink pixels (darker than the grid, see <see cref="RenderCheck"/>) a plot's data area needs to count as visibly non-blank.</summary>
    public const int MinInkPixels = 50;

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;margin:24px auto;max-width:1600px;color:#222;padding:0 16px}
        h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
        table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
        th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;white-space:nowrap}
        th:first-child,td:first-child{text-align:left}
        table.ranking td:nth-child(2),table.ranking th:nth-child(2),table.gates td,table.gates th{text-align:left}
        td.wrap{white-space:normal}
        tr.baseline{background:#f4f6fb}tr.dq{background:#fdecea}
        .better{color:#1a7f37;font-weight:600}.worse{color:#cf222e;font-weight:600}.nsd{color:#666}
        .warn{background:#fff8c5;border-left:4px solid #d4a72c;padding:4px 10px;margin:4px 0}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(760px,1fr));gap:12px}
        .plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,720px),1fr));gap:12px}
        figure.plot{margin:0}figure.plot img{width:100%;height:auto;border:1px solid #eee}
        .pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
        #render-check{display:none}
        """;

    private const string ErrorCapture = """
        window.__renderErrors = [];
        window.onerror = function (message, source, line) { window.__renderErrors.push(String(message) + ' at ' + source + ':' + line); };
        window.addEventListener('error', function (e) {
          if (e.target && e.target !== window && e.target.tagName) { window.__renderErrors.push('failed to load ' + e.target.tagName.toLowerCase()); }
        }, true);
        """;

    // After load, every plot is drawn onto a canvas at its natural size and the pixels inside its data area (the
    // SVG's first clip rectangle, inset past the frame) are counted as ink when any channel is below 200: grid lines
    // (black at 10% opacity, 230) and the white background are not ink, every palette colour and black are. A plot
    // with fewer than MinInkPixels ink pixels there is listed in data-blank; data-ink and data-variance (of the
    // luminance) give every plot's figures in page order.
    private const string RenderCheck = """
        window.addEventListener('load', function () {
          var images = document.querySelectorAll('figure.plot img');
          var rendered = 0, blank = [], inks = [], variances = [];
          for (var i = 0; i < images.length; i++) {
            var img = images[i];
            if (!(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0)) { continue; }
            rendered++;
            try {
              var canvas = document.createElement('canvas');
              canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              var ctx = canvas.getContext('2d');
              ctx.drawImage(img, 0, 0);
              var a = (img.parentNode.getAttribute('data-area') || ('0 0 ' + img.naturalWidth + ' ' + img.naturalHeight)).split(' ').map(Number);
              var x = Math.ceil(a[0]) + 3, y = Math.ceil(a[1]) + 3, w = Math.floor(a[2]) - 6, h = Math.floor(a[3]) - 6;
              var ink = 0, sum = 0, sum2 = 0, n = 0;
              if (w > 0 && h > 0) {
                var d = ctx.getImageData(x, y, w, h).data;
                for (var k = 0; k < d.length; k += 4) {
                  var lum = 0.299 * d[k] + 0.587 * d[k + 1] + 0.114 * d[k + 2];
                  sum += lum; sum2 += lum * lum; n++;
                  if (Math.min(d[k], d[k + 1], d[k + 2]) < 200) { ink++; }
                }
              }
              var variance = n > 0 ? sum2 / n - (sum / n) * (sum / n) : 0;
              inks.push(ink); variances.push(variance.toFixed(2));
              if (ink < MIN_INK) { blank.push(img.parentNode.id); }
            } catch (e) {
              window.__renderErrors.push('pixel check of ' + img.parentNode.id + ': ' + e);
            }
          }
          var marker = document.getElementById('render-check');
          marker.setAttribute('data-plots', String(images.length));
          marker.setAttribute('data-rendered', String(rendered));
          marker.setAttribute('data-blank', blank.join(' '));
          marker.setAttribute('data-ink', inks.join(' '));
          marker.setAttribute('data-variance', variances.join(' '));
          marker.setAttribute('data-errors', String(window.__renderErrors.length));
          marker.setAttribute('data-done', 'true');
          marker.textContent = window.__renderErrors.join('\n');
        });
        """;

    private readonly StringBuilder _body = new();

    public HtmlPage(string title) => Title = title;

    public string Title { get; }

    /// <summary>Plots added so far.</summary>
    public int PlotCount { get; private set; }

    public StringBuilder Body => _body;

    /// <summary>HTML-encodes text.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Adds a plot given as an SVG document.</summary>
    public void AddPlot(string svg, string caption)
    {
        ArgumentNullException.ThrowIfNull(svg);
        PlotCount++;
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
        var area = RootDataArea().Match(svg) is { Success: true } root ? root : DataArea().Match(svg);
        var areaAttribute = area.Success ? $" data-area=\"{area.Groups[1].Value} {area.Groups[2].Value} {area.Groups[3].Value} {area.Groups[4].Value}\"" : "";
        _body.Append(CultureInfo.InvariantCulture, $"<figure class=\"plot\" id=\"plot-{PlotCount}\"{areaAttribute}><img alt=\"{Encode(caption)}\" src=\"data:image/svg+xml;base64,{data}\"></figure>\n");
    }

    /// <summary>
    /// Appends <paramref name="section"/>'s body, a part of this page rendered on its own page (in parallel with other
    /// parts): its plots are renumbered to follow this page's, so the result is the same bytes as rendering it here.
    /// </summary>
    public void Append(HtmlPage section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var offset = PlotCount;
        _body.Append(offset == 0 ? section._body.ToString() : PlotId().Replace(section._body.ToString(), m =>
            string.Create(CultureInfo.InvariantCulture, $"<figure class=\"plot\" id=\"plot-{int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) + offset}\"")));
        PlotCount += section.PlotCount;
    }

    public string Render()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(Encode(Title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n<script>\n").Append(ErrorCapture).Append("\n</script>\n</head>\n<body>\n");
        html.Append(_body);
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"render-check\" data-expected=\"{PlotCount}\"></div>\n");
        html.Append("<script>\nvar MIN_INK = ").Append(MinInkPixels.ToString(CultureInfo.InvariantCulture)).Append(";\n").Append(RenderCheck).Append("\n</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The opening of a plot's figure as <see cref="AddPlot"/> writes it.</summary>
    [GeneratedRegex("<figure class=\"plot\" id=\"plot-([0-9]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex PlotId();

    /// <summary>The data area <see cref="PlotFactory"/> writes on the SVG root.</summary>
    [GeneratedRegex("<svg data-area=\"([-0-9.]+) ([-0-9.]+) ([0-9.]+) ([0-9.]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex RootDataArea();

    /// <summary>The data area of another ScottPlot SVG: its first clip rectangle.</summary>
    [GeneratedRegex("<clipPath id=\"[^\"]*\">\\s*<rect x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" width=\"([0-9.]+)\" height=\"([0-9.]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex DataArea();
}
