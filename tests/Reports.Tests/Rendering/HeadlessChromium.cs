using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NetnsPolicy.Reports.Tests.Rendering;

/// <summary>
/// Opens a page in Debian's headless Chromium (installed by scripts/deps/chromium.sh) and returns the DOM after load.
/// Every flag is needed on the project's machines: no sandbox as root, no GPU, and no background network traffic.
/// </summary>
public static partial class HeadlessChromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The render-check marker of the page after load.</summary>
    /// <param name="Blank">Ids of plots whose data area has too few ink pixels to be visibly non-blank.</param>
    /// <param name="Ink">Ink pixels in each plot's data area, in page order.</param>
    public sealed record RenderCheck(bool Done, int Expected, int Plots, int Rendered, int Errors, string ErrorText, IReadOnlyList<string> Blank, IReadOnlyList<int> Ink);

    public static string Executable =>
        Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
          ?? throw new AssertionException("chromium is not installed: run scripts/deps/chromium.sh (scripts/test.sh does)");

    public static async Task<string> DumpDomAsync(string htmlPath)
    {
        var profile = Directory.CreateTempSubdirectory("netns-chromium-");
        try
        {
            var psi = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName, "--virtual-time-budget=10000",
                "--dump-dom", new Uri(htmlPath).AbsoluteUri,
            })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi) ?? throw new InvalidOperationException("chromium did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new AssertionException($"chromium did not finish within {Timeout.TotalSeconds} s");
            }

            var dom = await stdout;
            if (process.ExitCode != 0 || dom.Length == 0)
            {
                throw new AssertionException($"chromium exited with {process.ExitCode}: {await stderr}");
            }

            return dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    public static async Task<RenderCheck> RenderAsync(string html)
    {
        var path = Path.Combine(Path.GetTempPath(), $"netns-report-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(path, html);
        try
        {
            var dom = await DumpDomAsync(path);
            var marker = Marker().Match(dom);
            if (!marker.Success)
            {
                throw new AssertionException("the dumped DOM has no #render-check marker");
            }

            var attributes = Attribute().Matches(marker.Groups["attrs"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            int Int(string name) => attributes.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : -1;
            string[] List(string name) => attributes.GetValueOrDefault(name, "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new RenderCheck(
                attributes.GetValueOrDefault("data-done") == "true", Int("data-expected"), Int("data-plots"), Int("data-rendered"), Int("data-errors"),
                System.Net.WebUtility.HtmlDecode(marker.Groups["text"].Value), List("data-blank"),
                List("data-ink").Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex("<div id=\"render-check\"(?<attrs>[^>]*)>(?<text>.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex("(data-[a-z]+)=\"([^\"]*)\"")]
    private static partial Regex Attribute();
}
