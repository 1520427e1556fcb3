using System.Diagnostics;
using System.Globalization;

namespace NetnsPolicy.Cli;

/// <summary>
/// Where a command's start-up goes (docs/benchmarks.md, "Start-up"): with <c>NETNS_POLICY_TIMINGS=1</c>, each
/// <see cref="Mark"/> prints to stderr the milliseconds since the process started and since the previous mark. Off, a
/// mark costs one environment read at start-up and nothing after.
/// </summary>
internal static class StartupTimings
{
    public const string Variable = "NETNS_POLICY_TIMINGS";

    private static readonly bool Enabled = Environment.GetEnvironmentVariable(Variable) == "1";
    private static DateTime _startTime;
    private static double _lastMs;

    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        // The instrument's own first-use costs (the process start time, the local time zone, stderr) are paid before the
        // clock is read, so that they do not land in the phase after the first mark (docs/benchmarks.md, "Left").
        var error = Console.Error;
        if (_startTime == default)
        {
            _startTime = Process.GetCurrentProcess().StartTime;
        }

        var sinceStart = (DateTime.Now - _startTime).TotalMilliseconds;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timing {phase,-22} {sinceStart,8:F1} ms since start  +{sinceStart - _lastMs,7:F1} ms"));
        _lastMs = sinceStart;
    }
}
