using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Benchmarks;

/// <summary>The benchmarked scenarios: the seed's measurement, a 10 000-namespace burst, a long churn.</summary>
internal static class Scenarios
{
    public static readonly string[] Names = ["seed-1000-maxcpus1", "burst-10000", "churn-long"];

    public static Workload Get(string name) => name switch
    {
        "seed-1000-maxcpus1" => WorkloadLoader.Load("seed-1000-maxcpus1"),
        "burst-10000" => WorkloadLoader.Load("seed-1000-debug") with
        {
            Name = "burst-10000",
            Machine = WorkloadLoader.Load("seed-1000-debug").Machine with { DebugKernel = false },
            Burst = new BurstSpec { Count = 10_000, CreateParallelism = 4 },
        },

        // 100 namespaces/s for 10 minutes of simulated time: 60 000 created, about 30 alive at any time.
        "churn-long" => WorkloadLoader.Load("vsftpd-churn") with
        {
            Name = "churn-long",
            InitialPopulation = null,
            Churn = new ChurnSpec { ArrivalsPerSecond = 100, DurationMs = 600_000, Lifetime = new LifetimeSpec { Distribution = "exponential", MeanMs = 300 } },
            Probe = null,
            Stop = new StopSpec { Mode = "drain", MaxSimulatedSeconds = 3600 },
        },
        _ => throw new ArgumentException($"unknown scenario '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };

    public static RunResult Run(string name) =>
        SimulationEngine.Run(SimulationRequest.Upstream(Get(name), KernelProfileLoader.Load("v4.9")));
}
