using System.Globalization;
using NetnsPolicy.Simulation.Profiles;

namespace NetnsPolicy.Calibration;

/// <summary>The shipped era profile closest below a kernel release ("6.18.44-fc" → v6.18).</summary>
public static class EraSelector
{
    public static string ForKernel(string release)
    {
        var host = Parse(release.TrimStart('v'));
        var eras = KernelProfileLoader.BuiltInIds
            .Where(id => id.StartsWith('v') && Parse(id[1..]) is not null)
            .Select(id => (Id: id, Version: Parse(id[1..])!))
            .OrderBy(e => e.Version)
            .ToList();
        if (host is null || eras.Count == 0)
        {
            return eras.Count > 0 ? eras[^1].Id : "v4.9";
        }

        var below = eras.Where(e => e.Version <= host).ToList();
        return below.Count > 0 ? below[^1].Id : eras[0].Id;
    }

    private static Version? Parse(string s)
    {
        var parts = s.Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? new Version(major, minor)
            : null;
    }
}
