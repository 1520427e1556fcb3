using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Benchmarks;

/// <summary>The benchmarked scenarios: the seed's measurement, 10 000- and 100 000-namespace bursts, a long churn.</summary>
internal static class Scenarios
{
    /// <summary>The hold-model baseline's name in the benchmark's Scenario parameter (not a simulation).</summary>
    public const string HoldBaseline = "hold-baseline";

    /// <summary>The simulations the BenchmarkDotNet run measures by default.</summary>
    public static readonly string[] Names = ["seed-1000-maxcpus1", "burst-10000", "churn-long"];

    /// <summary>Every scenario <see cref="Get"/> knows (burst-100000 is for the --memory and --warm modes).</summary>
    public static readonly string[] AllNames = [.. Names, "burst-100000"];

    public static Workload Get(string name) => name switch
    {
        "seed-1000-maxcpus1" => WorkloadLoader.Load("seed-1000-maxcpus1"),
        "burst-10000" => WorkloadLoader.Load("seed-1000-debug") with
        {
            Name = "burst-10000",
            Machine = WorkloadLoader.Load("seed-1000-debug").Machine with { DebugKernel = false },
            Burst = new BurstSpec { Count = 10_000, CreateParallelism = 4 },
        },
        "burst-100000" => Get("burst-10000") with
        {
            Name = "burst-100000",
            Burst = Get("burst-10000").Burst! with { Count = 100_000 },

            // user.max_net_namespaces raised above the kernel default (about 63 000) so all 10^5 are created, as an
            // operator running such a burst would.
            Machine = Get("burst-10000").Machine with { MaxNetNamespaces = 200_000 },

            // v4.9 creation slows with the nets alive (63 000 are created within the default 3600 simulated s): a day.
            Stop = new StopSpec { Mode = "drain", MaxSimulatedSeconds = 86_400 },
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
        _ => throw new ArgumentException($"unknown scenario '{name}' (known: {string.Join(", ", AllNames)})", nameof(name)),
    };

    public static RunResult Run(string name) =>
        SimulationEngine.Run(SimulationRequest.Upstream(Get(name), KernelProfileLoader.Load("v4.9")));
}
