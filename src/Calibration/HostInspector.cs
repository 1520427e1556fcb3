using System.Globalization;
using System.IO.Compression;

namespace NetnsPolicy.Calibration;

/// <summary>Reads the host's kernel version, CPUs, HZ and uevent listeners from /proc and /sys.</summary>
public static class HostInspector
{
    public static HostInfo Inspect(TimeProvider time)
    {
        var release = ReadTrim("/proc/sys/kernel/osrelease");
        var config = ReadConfig(release);
        var (preemption, preemptionSource) = ParsePreemption(config.Text, ReadTrim("/proc/cmdline"));
        return new HostInfo
        {
            Hostname = ReadTrim("/proc/sys/kernel/hostname"),
            KernelRelease = release,
            OnlineCpus = CountCpuList(ReadTrim("/sys/devices/system/cpu/online")),
            PossibleCpus = CountCpuList(ReadTrim("/sys/devices/system/cpu/possible")),
            Hz = ParseHz(config.Text),
            HzSource = config.Source,
            Preemption = preemption,
            PreemptionSource = preemptionSource.Length > 0 ? preemptionSource.Replace("config", config.Source, StringComparison.Ordinal) : "",
            UeventListener = HasUeventListener(),
            LoadAverage = double.TryParse(ReadTrim("/proc/loadavg").Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : 0,
            TakenAt = time.GetUtcNow(),
        };
    }

    /// <summary>"0-3,8,10-11" → 7.</summary>
    public static int CountCpuList(string list)
    {
        var n = 0;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            n += dash < 0 ? 1 : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture) - int.Parse(part[..dash], CultureInfo.InvariantCulture) + 1;
        }

        return n;
    }

    /// <summary>CONFIG_HZ: USER_HZ (getconf CLK_TCK) is always 100 and says nothing about the tick.</summary>
    public static int ParseHz(string config)
    {
        foreach (var line in config.Split('\n'))
        {
            if (line.StartsWith("CONFIG_HZ=", StringComparison.Ordinal))
            {
                return int.Parse(line["CONFIG_HZ=".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>
    /// The preemption model the kernel runs with: a PREEMPT_DYNAMIC kernel takes <c>preempt=</c> from the command line
    /// (kernel/sched/core.c sched_dynamic_mode), else the mode CONFIG_PREEMPT_NONE / _VOLUNTARY / CONFIG_PREEMPT /
    /// _LAZY selects; a kernel without PREEMPT_DYNAMIC has the config's model. ("", "") when the config is unknown.
    /// </summary>
    public static (string Model, string Source) ParsePreemption(string config, string cmdline)
    {
        var set = config.Split('\n').Select(l => l.Trim()).Where(l => l.EndsWith("=y", StringComparison.Ordinal)).Select(l => l[..^2]).ToHashSet(StringComparer.Ordinal);
        if (set.Contains("CONFIG_PREEMPT_DYNAMIC"))
        {
            var arg = cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(a => a.StartsWith("preempt=", StringComparison.Ordinal));
            if (arg is not null && arg["preempt=".Length..] is "none" or "voluntary" or "full" or "lazy")
            {
                return (arg["preempt=".Length..], "/proc/cmdline " + arg + " (PREEMPT_DYNAMIC)");
            }
        }

        var model = set.Contains("CONFIG_PREEMPT_NONE") ? "none"
            : set.Contains("CONFIG_PREEMPT_VOLUNTARY") ? "voluntary"
            : set.Contains("CONFIG_PREEMPT_LAZY") && !set.Contains("CONFIG_PREEMPT") ? "lazy"
            : set.Contains("CONFIG_PREEMPT") ? "full"
            : "";
        if (model.Length == 0)
        {
            return ("", "");
        }

        return (model, set.Contains("CONFIG_PREEMPT_DYNAMIC") ? $"config CONFIG_PREEMPT_{model.ToUpperInvariant()}, PREEMPT_DYNAMIC without preempt= on /proc/cmdline" : $"config CONFIG_PREEMPT_{model.ToUpperInvariant()}");
    }

    /// <summary>/proc/net/netlink: a NETLINK_KOBJECT_UEVENT (protocol 15) socket subscribed to a group is a listener.</summary>
    public static bool ParseUeventListener(string procNetNetlink)
    {
        foreach (var line in procNetNetlink.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 3 && f[1] == "15" && f[3] != "00000000")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The kernel config's text and where it came from ("" and the reason when there is none).</summary>
    private static (string Text, string Source) ReadConfig(string release)
    {
        if (File.Exists("/proc/config.gz"))
        {
            using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            return (reader.ReadToEnd(), "/proc/config.gz");
        }

        var boot = "/boot/config-" + release;
        return File.Exists(boot) ? (File.ReadAllText(boot), boot) : ("", "unknown (no /proc/config.gz or " + boot + ")");
    }

    private static bool HasUeventListener() => File.Exists("/proc/net/netlink") && ParseUeventListener(File.ReadAllText("/proc/net/netlink"));

    private static string ReadTrim(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";
}
