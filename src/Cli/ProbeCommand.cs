using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using NetnsPolicy.Calibration;
using NetnsPolicy.Cli.Terminal;

namespace NetnsPolicy.Cli;

/// <summary><c>probe [--out DIR]</c>: measures the host kernel's netns creation and teardown (needs root and network namespaces).</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var outOpt = new Option<string?>("--out") { Description = "Folder for measurements.json and workloads/ (default: calibration/<host>-<kernel>-<date>)." };
        var serialOpt = new Option<int>("--serial-cycles") { Description = "Serial create/destroy cycles.", DefaultValueFactory = _ => new ProbeOptions().SerialCycles };
        var burstsOpt = new Option<string>("--bursts") { Description = "Burst sizes, comma-separated; calibrate fits all but the last, which is held out.", DefaultValueFactory = _ => string.Join(',', new ProbeOptions().BurstSizes) };
        var intervalOpt = new Option<double>("--probe-interval-ms") { Description = "Interval of the creation probe during bursts.", DefaultValueFactory = _ => new ProbeOptions().ProbeIntervalMs };
        var repeatsOpt = new Option<int>("--repeats") { Description = "Runs of each burst (medians are kept).", DefaultValueFactory = _ => new ProbeOptions().Repeats };
        var churnOpt = new Option<string>("--churn-rates") { Description = "Churn arrival rates per second, comma-separated (empty: none).", DefaultValueFactory = _ => string.Join(',', new ProbeOptions().ChurnRates) };
        var loopsOpt = new Option<string>("--loops") { Description = "Parallel loop counts, comma-separated (empty: none).", DefaultValueFactory = _ => string.Join(',', new ProbeOptions().ParallelLoops) };
        var heldOutOpt = new Option<string?>("--held-out") { Description = "Experiments calibrate must not fit, comma-separated names (default: the second-largest burst, the middle churn rate, the loops)." };
        var perfOpt = new Option<int>("--perf-min-burst") { Description = "perf-sample the teardown of bursts at least this large (0: never).", DefaultValueFactory = _ => new ProbeOptions().PerfMinBurst };
        var perfRunsOpt = new Option<int>("--perf-runs") { Description = "perf-sampled runs of each such burst, after its timed runs and not counted in them; their profiles are pooled (0: none).", DefaultValueFactory = _ => new ProbeOptions().PerfRuns };
        var traceOpt = new Option<bool>("--trace-batches") { Description = "Trace cleanup_net's batches during the timed burst runs (tracefs workqueue events; 'false': not).", DefaultValueFactory = _ => new ProbeOptions().TraceBatches };
        var memoryOpt = new Option<int>("--memory-netns") { Description = "Namespaces held at once for the memory measurement.", DefaultValueFactory = _ => new ProbeOptions().MemoryNetns };
        var gpOpt = new Option<int>("--grace-period-samples") { Description = "Timed synchronize_rcu calls (membarrier) on the idle host before the experiments, 3 ms apart (0: none).", DefaultValueFactory = _ => new ProbeOptions().GracePeriodSamples };
        var gapsOpt = new Option<string>("--creation-gaps") { Description = "Pauses before a creation in ms, comma-separated, one creation-gap experiment each (how a creation cools; empty: none).", DefaultValueFactory = _ => string.Join(',', new ProbeOptions().CreationGapsMs.Select(g => g.ToString(CultureInfo.InvariantCulture))) };
        var referenceOpt = new Option<int>("--reference-runs") { Description = "Timed runs of a fixed user-space reference work before each experiment, to tell the host's speed from the kernel's (0: none).", DefaultValueFactory = _ => new ProbeOptions().ReferenceRuns };
        var gapCyclesOpt = new Option<int>("--gap-cycles") { Description = "Creations per creation-gap experiment.", DefaultValueFactory = _ => new ProbeOptions().GapCycles };
        var cmd = new Command("probe", "Measure the host kernel: serial create/destroy, bursts with veth pairs and a creation probe, memory per netns. Needs root and network namespaces; cleans up after itself, also when interrupted.")
        {
            outOpt, serialOpt, burstsOpt, repeatsOpt, intervalOpt, memoryOpt, churnOpt, loopsOpt, heldOutOpt, perfOpt, perfRunsOpt, traceOpt, gpOpt, gapsOpt, gapCyclesOpt, referenceOpt,
        };
        cmd.SetAction(parse =>
        {
            var console = CliConsole.From(parse);
            int[] bursts;
            int[] loops;
            double[] churn;
            double[] gaps;
            try
            {
                bursts = parse.GetValue(burstsOpt)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
                loops = parse.GetValue(loopsOpt)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
                churn = parse.GetValue(churnOpt)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => double.Parse(b, CultureInfo.InvariantCulture)).ToArray();
                gaps = parse.GetValue(gapsOpt)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => double.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException)
            {
                console.Error.WriteLine("error: --bursts, --loops, --churn-rates, --creation-gaps: expected comma-separated numbers");
                return 2;
            }

            if (gaps.Any(g => !double.IsFinite(g) || g is < 0 or > 10_000) || gaps.Distinct().Count() != gaps.Length || (gaps.Length > 0 && gaps.Length < 3))
            {
                console.Error.WriteLine("error: --creation-gaps: three or more different pauses within 0–10000 ms, or none");
                return 2;
            }

            if (parse.GetValue(gapCyclesOpt) is < 5 or > 10_000)
            {
                console.Error.WriteLine("error: --gap-cycles: within 5–10000");
                return 2;
            }

            if (loops.Any(k => k is < 1 or > 64) || churn.Any(r => !double.IsFinite(r) || r is <= 0 or > 2000))
            {
                console.Error.WriteLine("error: --loops: counts within 1–64; --churn-rates: rates within (0, 2000] per second");
                return 2;
            }

            var options = new ProbeOptions
            {
                SerialCycles = parse.GetValue(serialOpt),
                BurstSizes = bursts,
                ProbeIntervalMs = parse.GetValue(intervalOpt),
                MemoryNetns = parse.GetValue(memoryOpt),
                Repeats = parse.GetValue(repeatsOpt),
                ParallelLoops = loops,
                ChurnRates = churn,
                CreationGapsMs = gaps,
                GapCycles = parse.GetValue(gapCyclesOpt),
                PerfMinBurst = Math.Max(0, parse.GetValue(perfOpt)),
                PerfRuns = parse.GetValue(perfRunsOpt),
                TraceBatches = parse.GetValue(traceOpt),
                GracePeriodSamples = parse.GetValue(gpOpt),
                ReferenceRuns = parse.GetValue(referenceOpt),
                HeldOut = parse.GetValue(heldOutOpt) is { } h ? h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null,
            };
            if (options.GracePeriodSamples is < 0 or > 100_000)
            {
                console.Error.WriteLine("error: --grace-period-samples: within 0–100000");
                return 2;
            }

            if (options.ReferenceRuns is < 0 or > 100)
            {
                console.Error.WriteLine("error: --reference-runs: within 0–100");
                return 2;
            }

            if (options.PerfRuns is < 0 or > 20)
            {
                console.Error.WriteLine("error: --perf-runs: within 0–20 (each is one more burst of every size from --perf-min-burst up)");
                return 2;
            }

            if (options.SerialCycles < 1 || options.MemoryNetns < 1 || options.Repeats < 1 || bursts.Length == 0 || bursts.Any(b => b is < 1 or > 4000) || options.ProbeIntervalMs <= 0)
            {
                console.Error.WriteLine("error: cycles, repeats, memory namespaces and burst sizes (1–4000) must be positive, with at least one burst");
                return 2;
            }

            // Bad input is named on any host; whether this host can run the probe is asked once the input is good.
            if (Prober.CannotRun() is { } reason)
            {
                console.Error.WriteLine("probe: cannot run on this host: " + reason);
                return 4;
            }

            var host = HostInspector.Inspect(TimeProvider.System);
            var dir = parse.GetValue(outOpt) ?? Path.Combine("calibration", $"{host.Hostname}-{host.KernelRelease}-{host.TakenAt:yyyyMMdd}");
            using var cts = new CancellationTokenSource();
            void Cancel(PosixSignalContext ctx)
            {
                ctx.Cancel = true;
                console.Error.WriteLine($"probe: {ctx.Signal}: stopping and removing what the probe created");
                cts.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
            try
            {
                var set = new Prober(options, TimeProvider.System, console.Out).Run(dir, "netns-policy " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), cts.Token);
                foreach (var e in set.Experiments)
                {
                    console.Out.WriteLine($"{e.Name,-18} " + string.Join("  ", e.Quantities.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Name}={q.Value:G5} {q.Unit}"))));
                }

                console.Out.WriteLine($"wrote {Path.Combine(dir, MeasurementSet.FileName)}");
                return 0;
            }
            catch (OperationCanceledException)
            {
                console.Error.WriteLine("probe: interrupted; everything it created was removed");
                return 130;
            }
            catch (ProbeException e)
            {
                console.Error.WriteLine("probe: " + e.Message);
                return 1;
            }
        });
        return cmd;
    }
}
