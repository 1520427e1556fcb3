using System.Diagnostics;
using BenchmarkDotNet.Running;
using NetnsPolicy.Benchmarks;

// dotnet run -c Release --project bench/NetnsPolicy.Benchmarks -- [BenchmarkDotNet args]   lifecycles/s, simulated s/s, bytes/lifecycle, time/hold
// dotnet NetnsPolicy.Benchmarks.dll --memory SCENARIO   one cold run in a fresh process: peak memory and GC share
// dotnet NetnsPolicy.Benchmarks.dll --warm SCENARIO     a warm-up run, then one measured run: CPU time and GC share
if (args is ["--warm", var warmScenario])
{
    Scenarios.Run(warmScenario);
    var (rr, wall, cpu, pause, gcs, promoted) = Measure(warmScenario);
    Console.WriteLine($"{warmScenario} (warm): {rr.NetsFreed:N0} lifecycles, {rr.SimulatedSeconds:F1} simulated s; wall {wall:F3} s, CPU {cpu:F3} s (all threads, GC included): " +
        $"{rr.NetsFreed / wall:N0} lifecycles/s, {rr.SimulatedSeconds / wall:F1} simulated s/s; GC pauses {pause:F3} s = {100 * pause / wall:F1}% of wall ({gcs}); {promoted}; " +
        $"(model events {rr.Events:N0}, not a cross-version unit)");
    return 0;
}

// dotnet run -c Release --project bench/NetnsPolicy.Benchmarks -- --sandbox [SIMULATIONS [SLOTS]]   sandboxed vs in-process
if (args is ["--sandbox", ..])
{
    return SandboxCost.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2);
}

// dotnet NetnsPolicy.Benchmarks.dll --tournament FILE [PAIRS]   one worker against two, alternated: parallel efficiency
if (args is ["--tournament", var tournamentFile, ..])
{
    return TournamentEfficiency.Run(tournamentFile, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
}

// dotnet NetnsPolicy.Benchmarks.dll --ceiling [PAIRS [CHASE_MIB]]   the machine's own parallel ceiling: reference kernels, one thread against two
if (args is ["--ceiling", ..])
{
    return MachineCeiling.RunAlone(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4);
}

// dotnet NetnsPolicy.Benchmarks.dll --alloc SCENARIO   allocated bytes per lifecycle and the types they go to (sampled)
if (args is ["--alloc", var allocScenario])
{
    return AllocationSampler.Run(allocScenario);
}

if (args is ["--memory", var scenario])
{
    var (r, wall, _, pause, gcs, promoted) = Measure(scenario);
    var process = Process.GetCurrentProcess();
    Console.WriteLine($"{scenario} (cold, JIT included): status {r.Status}{(r.StatusDetail is { } d ? $" ({d})" : "")}, {r.NetsCreated:N0} namespaces created, {r.NetsFreed:N0} freed, peak {r.PeakBacklog:N0} backlog, wall {wall:F2} s " +
        $"({r.NetsFreed / wall:N0} lifecycles/s); GC pauses {pause:F3} s = {100 * pause / wall:F1}% of wall ({gcs}); {promoted}; peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB, " +
        $"GC heap after run {GC.GetTotalMemory(true) / 1048576.0:F1} MiB, allocated {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MiB");
    return 0;
}

// In process: BenchmarkDotNet's generated project would build this one with one global --output, and through the plugin
// references of the --sandbox mode every shipped plugin's build would copy all the others (and its own files) into
// artifacts/plugins/<name>/, where the hosts' plugin catalogs then refuse them.
BenchmarkSwitcher.FromAssembly(typeof(SimulationBenchmarks).Assembly).Run(args.Contains("--inProcess") ? args : [.. args, "--inProcess"]);
return 0;

// One run with its wall time, process CPU time, GC pause time (GC.GetTotalPauseDuration), collections per generation
// and the bytes they promoted into gen1 and gen2 per namespace lifecycle (GcPromotion: load-independent).
static (NetnsPolicy.Simulation.Metrics.RunResult Result, double Wall, double Cpu, double Pause, string Collections, string Promoted) Measure(string scenario)
{
    using var promotion = new GcPromotion();
    var (toGen1, toGen2, events) = promotion.Totals();
    var collections0 = GC.CollectionCount(0);
    int[] before = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    var pause0 = GC.GetTotalPauseDuration();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var result = Scenarios.Run(scenario);
    sw.Stop();
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    var pause = (GC.GetTotalPauseDuration() - pause0).TotalSeconds;
    var collections = $"gen0 {GC.CollectionCount(0) - before[0]}, gen1 {GC.CollectionCount(1) - before[1]}, gen2 {GC.CollectionCount(2) - before[2]}";
    promotion.WaitFor(events + (GC.CollectionCount(0) - collections0));
    var (toGen1After, toGen2After, _) = promotion.Totals();
    var nets = Math.Max(1, result.NetsFreed);
    var promoted = $"promoted per lifecycle: {(toGen1After - toGen1) / (double)nets:F0} B into gen1, {(toGen2After - toGen2) / (double)nets:F0} B into gen2";
    return (result, sw.Elapsed.TotalSeconds, cpu, pause, collections, promoted);
}
