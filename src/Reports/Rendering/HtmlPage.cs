using System.Globalization;
using System.Net;
using System.Text;

namespace NetnsPolicy.Reports.Rendering;

/// <summary>
/// A self-contained HTML page: inline CSS, plots embedded as base64 SVG images (each its own document, so the
/// element ids ScottPlot writes cannot collide between plots), and a render check: every script error is recorded
/// and, once the page has loaded, <c>#render-check</c> carries the number of plots expected, the number the browser
/// actually decoded, and the errors (read by the headless-Chromium test).
/// </summary>
public sealed class HtmlPage
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1600px;color:#222;padding:0 16px}
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
        figure.plot{margin:0}figure.plot img{max-width:100%;height:auto;border:1px solid #eee}
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

    private const string RenderCheck = """
        window.addEventListener('load', function () {
          var images = document.querySelectorAll('figure.plot img');
          var rendered = 0;
          for (var i = 0; i < images.length; i++) {
            if (images[i].complete && images[i].naturalWidth > 0 && images[i].naturalHeight > 0) { rendered++; }
          }
          var marker = document.getElementById('render-check');
          marker.setAttribute('data-plots', String(images.length));
          marker.setAttribute('data-rendered', String(rendered));
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
        PlotCount++;
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
        _body.Append(CultureInfo.InvariantCulture, $"<figure class=\"plot\" id=\"plot-{PlotCount}\"><img alt=\"{Encode(caption)}\" src=\"data:image/svg+xml;base64,{data}\"></figure>\n");
    }

    public string Render()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(Encode(Title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n<script>\n").Append(ErrorCapture).Append("\n</script>\n</head>\n<body>\n");
        html.Append(_body);
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"render-check\" data-expected=\"{PlotCount}\"></div>\n");
        html.Append("<script>\n").Append(RenderCheck).Append("\n</script>\n</body>\n</html>\n");
        return html.ToString();
    }
}
