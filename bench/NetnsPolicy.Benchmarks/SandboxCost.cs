using System.Diagnostics;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// The cost of running a simulation in a sandboxed worker against running it in-process (docs/benchmarks.md,
/// "Sandbox"): the shipped <c>batching</c> plugin on <c>seed-1000-maxcpus1</c>, one at a time and as a tournament of
/// 100 simulations on two slots (the service's default on this machine), with the warm pool the service uses.
/// </summary>
internal static class SandboxCost
{
    public static int Run(int simulations, int slots)
    {
        var plugins = Path.Combine(AppContext.BaseDirectory, "plugins");
        var workload = WorkloadLoader.Load("seed-1000-maxcpus1");
        var profile = KernelProfileLoader.Load(workload.Machine.KernelProfile);
        var parameters = new Dictionary<string, string> { ["batch_size"] = "32" };
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = plugins, Watch = false });
        using var sandbox = SandboxedWorkers.TryCreate(new SandboxOptions { WarmWorkers = slots }, out var reason)
            ?? throw new InvalidOperationException("no sandbox: " + reason);
        var folders = new Dictionary<string, string> { ["batching"] = Path.Combine(plugins, "batching") };

        RunResult InProcess(ulong seed)
        {
            using var lease = catalog.Acquire("batching", parameters);
            return SimulationEngine.Run(new SimulationRequest(workload, profile, lease.Policy, lease.Parameters, seed));
        }

        RunResult Sandboxed(ulong seed) => sandbox.RunAsync(
            new WorkerRequest
            {
                Workload = WorkerRequest.WorkloadJson(workload),
                KernelProfile = workload.Machine.KernelProfile,
                Policy = "batching",
                Parameters = parameters,
                Seed = seed,
                PluginsDirectory = "",
            },
            workload.Name,
            folders).GetAwaiter().GetResult().Result;

        // Same result either way, byte for byte: the sandbox changes where the simulation runs, not what it computes.
        var same = RunResultJson.Serialize(InProcess(1)) == RunResultJson.Serialize(Sandboxed(1));
        Thread.Sleep(2000); // let the pool refill after the check
        Console.WriteLine($"results identical in-process and sandboxed: {same}");
        foreach (var (name, run) in new[] { ("in-process", (Func<ulong, RunResult>)InProcess), ("sandboxed", Sandboxed) })
        {
            var one = new List<double>();
            for (ulong seed = 2; seed < 12; seed++)
            {
                var w = Stopwatch.StartNew();
                if (run(seed).Status != RunStatus.Ok)
                {
                    throw new InvalidOperationException($"{name} run failed");
                }

                one.Add(w.Elapsed.TotalMilliseconds);
                Thread.Sleep(300); // one at a time: each finds a warm worker, as a lone simulation in the service does
            }

            one.Sort();
            var all = Stopwatch.StartNew();
            Parallel.For(0, simulations, new ParallelOptions { MaxDegreeOfParallelism = slots }, i => _ = run(100 + (ulong)i));
            Console.WriteLine($"{name}: one simulation median {one[one.Count / 2]:F1} ms (min {one[0]:F1}, max {one[^1]:F1}); " +
                $"{simulations} simulations on {slots} slots {all.Elapsed.TotalSeconds:F2} s ({all.Elapsed.TotalMilliseconds / simulations:F1} ms each)");
        }

        return same ? 0 : 1;
    }
}
