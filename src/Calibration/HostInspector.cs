using System.Globalization;
using System.IO.Compression;

namespace NetnsPolicy.Calibration;

/// <summary>Reads the host's kernel version, CPUs, HZ and uevent listeners from /proc and /sys.</summary>
public static class HostInspector
{
    public static HostInfo Inspect(TimeProvider time)
    {
        var release = ReadTrim("/proc/sys/kernel/osrelease");
        var (hz, source) = ReadHz(release);
        return new HostInfo
        {
            Hostname = ReadTrim("/proc/sys/kernel/hostname"),
            KernelRelease = release,
            OnlineCpus = CountCpuList(ReadTrim("/sys/devices/system/cpu/online")),
            PossibleCpus = CountCpuList(ReadTrim("/sys/devices/system/cpu/possible")),
            Hz = hz,
            HzSource = source,
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

    private static (int Hz, string Source) ReadHz(string release)
    {
        if (File.Exists("/proc/config.gz"))
        {
            using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            return (ParseHz(reader.ReadToEnd()), "/proc/config.gz");
        }

        var boot = "/boot/config-" + release;
        return File.Exists(boot) ? (ParseHz(File.ReadAllText(boot)), boot) : (0, "unknown (no /proc/config.gz or " + boot + ")");
    }

    private static bool HasUeventListener() => File.Exists("/proc/net/netlink") && ParseUeventListener(File.ReadAllText("/proc/net/netlink"));

    private static string ReadTrim(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";
}
