using System.Diagnostics;

namespace NetnsPolicy.Calibration;

/// <summary>
/// A perf-sampled kernel profile of one teardown, the seed thread's method: <c>perf record -a -g</c> on the kernel's
/// cpu-clock (VMs have no hardware PMU) from the release until the last host peer is gone, then <c>perf script</c>
/// folded into one line per distinct kernel stack (<see cref="FoldedStacks"/>). Only stacks through the netns paths
/// are kept (<see cref="FoldedStacks.Anchors"/>): the rest of the machine (other engineers' builds, the probe's own
/// polling) is not part of the teardown's profile. The raw perf.data is deleted.
/// </summary>
internal sealed class PerfRecorder : IDisposable
{
    /// <summary>
    /// How long <see cref="Start"/> waits before the teardown starts: perf samples that pause too (the probe's creations
    /// every interval), which the replay's profile window includes (<see cref="Replay.RunPerf"/>).
    /// </summary>
    public const int StartupMs = 700;

    private readonly Process _perf;
    private readonly string _data;
    private bool _stopped;

    private PerfRecorder(Process perf, string data)
    {
        _perf = perf;
        _data = data;
    }

    /// <summary>The perf binary (Debian's linux-perf: scripts/deps/perf.sh), or null.</summary>
    public static string? Find() => Candidates.FirstOrDefault(File.Exists);

    private static readonly string[] Candidates = ["/usr/bin/perf", "/usr/local/bin/perf"];

    public static PerfRecorder? Start(string data, TextWriter log)
    {
        var exe = Find();
        if (exe is null)
        {
            return null;
        }

        var psi = new ProcessStartInfo(exe, ["record", "-a", "-g", "-e", "cpu-clock:k", "-F", "999", "-q", "-o", data]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var p = Process.Start(psi);
        if (p is null)
        {
            log.WriteLine("perf: could not start; no kernel profile for this burst");
            return null;
        }

        // perf opens one event per CPU and mmaps its buffers before it samples; the teardown must not start before.
        Thread.Sleep(StartupMs);
        if (p.HasExited)
        {
            log.WriteLine("perf record exited at once: " + p.StandardError.ReadToEnd().Trim());
            return null;
        }

        return new PerfRecorder(p, data);
    }

    /// <summary>Stops sampling (SIGINT: perf writes its data), folds the stacks into <paramref name="folded"/>.</summary>
    public void StopAndFold(string folded)
    {
        Stop();
        var psi = new ProcessStartInfo(Find()!, ["script", "-i", _data, "-F", "ip,sym", "--no-inline"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new ProbeException("could not start perf script");
        _ = p.StandardError.ReadToEndAsync();
        var stacks = FoldedStacks.Parse(p.StandardOutput);
        p.WaitForExit();
        stacks.Save(folded);
    }

    private void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (!_perf.HasExited)
        {
            Native.kill(_perf.Id, Native.SigInt);
            if (!_perf.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _perf.Kill();
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _perf.Dispose();
        try
        {
            File.Delete(_data);
            File.Delete(_data + ".old");
        }
        catch (IOException)
        {
        }
    }
}
