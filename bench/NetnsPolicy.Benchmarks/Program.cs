using System.Diagnostics;
using BenchmarkDotNet.Running;
using NetnsPolicy.Benchmarks;

// dotnet run -c Release --project bench/NetnsPolicy.Benchmarks -- [BenchmarkDotNet args]   speed (events/s, netns/s)
// dotnet run -c Release --project bench/NetnsPolicy.Benchmarks -- --memory SCENARIO         one run, then peak memory
if (args is ["--warm", var warmScenario])
{
    Scenarios.Run(warmScenario);
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var w = Stopwatch.StartNew();
    var rr = Scenarios.Run(warmScenario);
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    Console.WriteLine($"{warmScenario}: {rr.Events:N0} events, {rr.NetsCreated:N0} netns; wall {w.Elapsed.TotalSeconds:F3} s, CPU {cpu:F3} s (all threads, GC included): " +
        $"{rr.Events / cpu / 1e6:F2} M events/s, {rr.Steps / cpu / 1e6:F2} M steps/s, {rr.NetsCreated / cpu:N0} netns/s per CPU-second");
    return 0;
}

// dotnet run -c Release --project bench/NetnsPolicy.Benchmarks -- --sandbox [SIMULATIONS [SLOTS]]   sandboxed vs in-process
if (args is ["--sandbox", ..])
{
    return SandboxCost.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2);
}

if (args is ["--memory", var scenario])
{
    var sw = Stopwatch.StartNew();
    var r = Scenarios.Run(scenario);
    sw.Stop();
    var process = Process.GetCurrentProcess();
    Console.WriteLine($"{scenario}: {r.NetsCreated:N0} namespaces created, peak {r.PeakBacklog:N0} backlog, {r.Events:N0} events in {sw.Elapsed.TotalSeconds:F2} s " +
        $"({r.Events / sw.Elapsed.TotalSeconds / 1e6:F2} M events/s incl. JIT); peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB, " +
        $"GC heap after run {GC.GetTotalMemory(true) / 1048576.0:F1} MiB, allocated {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MiB");
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(SimulationBenchmarks).Assembly).Run(args);
return 0;
