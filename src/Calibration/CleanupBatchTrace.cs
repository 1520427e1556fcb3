using System.Diagnostics;
using System.Globalization;

namespace NetnsPolicy.Calibration;

/// <summary>
/// When the kernel's cleanup_net batches began and ended during a burst's teardown, from the workqueue tracepoints
/// (include/trace/events/workqueue.h: <c>workqueue_execute_start</c> / <c>workqueue_execute_end</c>, filtered to
/// net_cleanup_work's function with the tracefs <c>.function</c> filter) in a tracefs instance of the probe's own, so
/// the global buffer and anyone else's tracing are untouched. cleanup_net takes the whole <c>cleanup_list</c> when it
/// starts (<c>llist_del_all</c>, net/core/net_namespace.c), so a batch holds the nets released between the previous
/// batch's start and its own: where those boundaries fall in the release decides how a burst is split
/// (docs/calibration.md, "The tenth round"). Timestamps use the instance's <c>mono</c> clock, which is
/// the CLOCK_MONOTONIC that <see cref="Stopwatch"/> reads on Linux.
/// </summary>
internal sealed class CleanupBatchTrace : IDisposable
{
    private const string TraceFs = "/sys/kernel/tracing";
    private static readonly string[] Events = ["workqueue/workqueue_execute_start", "workqueue/workqueue_execute_end"];
    private readonly string _instance;
    private bool _disposed;

    private CleanupBatchTrace(string instance) => _instance = instance;

    /// <summary>Starts tracing, or returns null (with the reason in <paramref name="why"/>) where tracefs or its filter is not available.</summary>
    public static CleanupBatchTrace? Start(string tag, out string? why)
    {
        why = null;
        if (!File.Exists(Path.Combine(TraceFs, "trace")))
        {
            // Not mounted (this VM boots without it): mount it where the kernel documents it.
            try
            {
                using var p = Process.Start(new ProcessStartInfo("mount", ["-t", "tracefs", "nodev", TraceFs]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                p.WaitForExit(5000);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                why = "mount of tracefs failed: " + e.Message;
                return null;
            }

            if (!File.Exists(Path.Combine(TraceFs, "trace")))
            {
                why = $"tracefs is not mounted at {TraceFs}";
                return null;
            }
        }

        var instance = Path.Combine(TraceFs, "instances", "nnp-" + tag);
        try
        {
            if (!Directory.Exists(instance))
            {
                Directory.CreateDirectory(instance);
            }

            var trace = new CleanupBatchTrace(instance);
            try
            {
                trace.Write("tracing_on", "0");
                trace.Write("trace_clock", "mono");
                trace.Write("trace", "");
                foreach (var e in Events)
                {
                    if (!Directory.Exists(Path.Combine(instance, "events", e)))
                    {
                        throw new IOException($"no tracepoint {e}");
                    }

                    trace.Write($"events/{e}/filter", "function.function == cleanup_net");
                    trace.Write($"events/{e}/enable", "1");
                }

                trace.Write("tracing_on", "1");
                return trace;
            }
            catch
            {
                trace.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = "tracefs: " + e.Message;
            return null;
        }
    }

    /// <summary>Stops tracing and returns the batches seen, as (start, end) Stopwatch timestamps; an end of -1: still running.</summary>
    public IReadOnlyList<(long Start, long End)> Stop()
    {
        Write("tracing_on", "0");
        return Parse(File.ReadLines(Path.Combine(_instance, "trace")));
    }

    /// <summary>
    /// Pairs each cleanup_net start with the next end of the same worker thread (its pid: netns_wq is unbound, so the
    /// worker may end the item on another CPU than it started on). Lines look like <c>kworker/u8:2-63 [001] ..... 123.456789: workqueue_execute_start: work
    /// struct 000000001f2c…: function cleanup_net</c>.
    /// </summary>
    internal static IReadOnlyList<(long Start, long End)> Parse(IEnumerable<string> lines)
    {
        var batches = new List<(long Start, long End)>();
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var start = line.Contains("workqueue_execute_start:", StringComparison.Ordinal);
            if (!start && !line.Contains("workqueue_execute_end:", StringComparison.Ordinal))
            {
                continue;
            }

            // "comm-pid [cpu]": the pid is after the last '-' before the CPU field (comm may contain '-').
            var cpuOpen = line.IndexOf('[', StringComparison.Ordinal);
            var pidStart = cpuOpen < 0 ? -1 : line.LastIndexOf('-', cpuOpen) + 1;
            var stampEnd = line.IndexOf(": workqueue_execute_", StringComparison.Ordinal);
            var stampStart = stampEnd < 0 ? -1 : line.LastIndexOf(' ', stampEnd - 1) + 1;
            if (pidStart <= 0 || stampStart <= 0 ||
                !decimal.TryParse(line.AsSpan(stampStart, stampEnd - stampStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            {
                continue;
            }

            var ticks = (long)(seconds * Stopwatch.Frequency);
            var pid = line[pidStart..cpuOpen].Trim();
            if (start)
            {
                open[pid] = batches.Count;
                batches.Add((ticks, -1));
            }
            else if (open.Remove(pid, out var i))
            {
                batches[i] = (batches[i].Start, ticks);
            }
        }

        return batches;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Write("tracing_on", "0");
            foreach (var e in Events)
            {
                Write($"events/{e}/enable", "0");
            }

            Directory.Delete(_instance);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An instance left behind holds a buffer but traces nothing (its events are off); the next probe reuses it.
        }
    }

    private void Write(string file, string value) => File.WriteAllText(Path.Combine(_instance, file), value);
}
