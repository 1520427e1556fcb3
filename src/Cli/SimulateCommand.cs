using System.CommandLine;
using System.Globalization;
using NetnsPolicy.Cli.Connection;
using NetnsPolicy.Cli.Terminal;
using NetnsPolicy.PluginHost;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Policies;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Cli;

/// <summary><c>simulate &lt;workload&gt; [--policy NAME] [--seed N] [--format json|text]</c>: one run, in-process.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var workloadArg = new Argument<string>("workload") { Description = "A workload file, or the name of a shipped workload (" + string.Join(", ", WorkloadLoader.BuiltInNames) + ")." };
        var policyOpt = new Option<string>("--policy") { Description = "Policy id or stack (uevent-skip+batching) from the plugins folder.", DefaultValueFactory = _ => UpstreamPolicy.PolicyId };
        var paramOpt = new Option<string[]>("--param") { Description = "A policy parameter, name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var seedOpt = NumericOption.UInt64("--seed", "Seed (default: the workload's).");
        var replicationOpt = NumericOption.Int32("--replication", "Replication index (0-based).", 0);
        var profileOpt = new Option<string?>("--profile") { Description = "Kernel profile id or file (default: the workload's)." };
        var formatOpt = new Option<string>("--format") { Description = "json or text.", DefaultValueFactory = _ => "text" };
        formatOpt.AcceptOnlyFromAmong("json", "text");
        var pluginsOpt = new Option<string?>("--plugins")
        {
            Description = "Folder of policy plugins (default: $" + ConnectionOptions.PluginsVariable + ", else those shipped beside the program). " +
                "Only shipped plugins and those named in $" + InProcessCatalog.TrustedVariable + " run here; `compare` runs the others sandboxed.",
        };
        var cmd = new Command("simulate", "Run one simulation in-process and print its metrics.")
        {
            workloadArg, policyOpt, paramOpt, seedOpt, replicationOpt, profileOpt, formatOpt, pluginsOpt,
        };
        cmd.SetAction(parse =>
        {
            StartupTimings.Mark("command invoked");
            var console = CliConsole.From(parse);
            try
            {
                var workload = WorkloadLoader.Load(parse.GetValue(workloadArg)!);
                StartupTimings.Mark("workload loaded");
                var profile = KernelProfileLoader.Load(parse.GetValue(profileOpt) ?? workload.Machine.KernelProfile);
                StartupTimings.Mark("profile loaded");
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in parse.GetValue(paramOpt) ?? [])
                {
                    var eq = p.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new InputValidationException("--param", $"'{p}' is not name=value");
                    }

                    parameters[p[..eq]] = p[(eq + 1)..];
                }

                // The service's plugins under its trust rules, without its sandbox: untrusted plugins are refused here.
                using var catalog = InProcessCatalog.Open(ConnectionOptions.PluginsFolder(parse.GetValue(pluginsOpt)));
                using var lease = catalog.Acquire(parse.GetValue(policyOpt)!, parameters);
                StartupTimings.Mark("policy leased");
                var request = new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, NumericOption.UInt64(parse, seedOpt) ?? workload.Seed, NumericOption.Int32(parse, replicationOpt));
                var result = SimulationEngine.Run(request);
                StartupTimings.Mark("simulated");
                var text = parse.GetValue(formatOpt) == "json" ? RunResultJson.Serialize(result) : TextSummary(result);
                StartupTimings.Mark("formatted");
                console.Out.WriteLine(text);
                StartupTimings.Mark("written");
                return result.Status == RunStatus.Ok ? 0 : 3;
            }
            catch (InputValidationException e)
            {
                foreach (var err in e.Errors)
                {
                    console.Error.WriteLine($"error: {err.Field}: {err.Message}");
                }

                return 2;
            }
        });
        return cmd;
    }

    private static string TextSummary(RunResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"workload {r.Workload} · kernel {r.KernelProfile} · policy {r.Policy} · seed {r.Seed} · status {r.Status}"),
            string.Create(c, $"teardown        {r.TeardownSeconds:F3} s   throughput {r.ThroughputNetnsPerSecond:F1} netns/s   batches {r.Batches}"),
            string.Create(c, $"creation ms     n={r.CreationLatencyMs.Count} p50={r.CreationLatencyMs.P50:F3} p99={r.CreationLatencyMs.P99:F3} max={r.CreationLatencyMs.Max:F3}"),
            string.Create(c, $"cleanup ms      n={r.CleanupLatencyMs.Count} p50={r.CleanupLatencyMs.P50:F3} p99={r.CleanupLatencyMs.P99:F3} max={r.CleanupLatencyMs.Max:F3}"),
            string.Create(c, $"memory peak     {r.PeakMemoryBytes / 1e6:F1} MB   backlog peak {r.PeakBacklog}   ENOSPC {r.EnospcFailures}   OOM {(r.Oom is { } o ? o.ToString("F3", c) + " s" : "no")}"),
            string.Create(c, $"uevents         sent {r.Uevents.Sent} suppressed {r.Uevents.Suppressed} socket visits {r.Uevents.SocketVisits}"),
            string.Create(c, $"rcu             normal GPs {r.Rcu.NormalGracePeriods} expedited {r.Rcu.ExpeditedGracePeriods} waited {r.Rcu.WaitTotalMs:F1} ms"),
        };
        foreach (var (name, l) in r.Locks)
        {
            lines.Add(string.Create(c, $"lock {name,-18} held {l.HoldTotalMs:F1} ms (max {l.HoldMaxMs:F1})  waited {l.WaitTotalMs:F1} ms (max {l.WaitMaxMs:F1})"));
        }

        lines.Add("profile (children %, self %):");
        AppendProfile(lines, r.Profile, 0, c);
        if (r.OracleViolations.Count > 0)
        {
            lines.Add($"ORACLE VIOLATIONS ({r.OracleViolations.Count}):");
            lines.AddRange(r.OracleViolations.Take(20).Select(v => string.Create(c, $"  [{v.Rule}] t={v.TimeNs / 1e6:F3} ms {v.Objects}: {v.Message}")));
        }

        if (r.StatusDetail is not null)
        {
            lines.Add("detail: " + r.StatusDetail);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static void AppendProfile(List<string> lines, ProfileNode node, int depth, CultureInfo c)
    {
        if (depth > 0)
        {
            // Formatted to strings first: the handler's aligned AppendFormatted<double> is JIT-compiled at start-up, its
            // string overload is not.
            lines.Add(string.Create(c, $"  {new string(' ', 2 * (depth - 1))}{node.ChildrenPct.ToString("F2", c),6}% {node.SelfPct.ToString("F2", c),6}%  {node.Name}"));
        }

        if (depth >= 5)
        {
            return;
        }

        foreach (var child in node.Children.Where(ch => ch.ChildrenPct >= 0.5))
        {
            AppendProfile(lines, child, depth + 1, c);
        }
    }
}
