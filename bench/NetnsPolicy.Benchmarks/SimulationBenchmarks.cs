using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetnsPolicy.Benchmarks;

/// <summary>Wall time of whole simulation runs; the columns turn it into simulated events and namespaces per second.</summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class SimulationBenchmarks
{
    internal static readonly ConcurrentDictionary<string, (long Events, long Nets)> Work = new();

    [ParamsSource(nameof(ScenarioNames))]
    public string Scenario { get; set; } = "";

    public static IEnumerable<string> ScenarioNames => Scenarios.Names;

    [GlobalSetup]
    public void Setup()
    {
        var r = Scenarios.Run(Scenario);
        Work[Scenario] = (r.Events, r.NetsCreated);
    }

    [Benchmark]
    public long Simulate() => Scenarios.Run(Scenario).Events;

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new RateColumn("Events/op", (e, _) => e.ToString("N0")));
            AddColumn(new RateColumn("Mevents/s", (e, s) => (e / s / 1e6).ToString("F2")));
            AddColumn(new RateColumn("Netns/op", (_, _) => "", nets: true));
            AddColumn(new RateColumn("Netns/s", (n, s) => (n / s).ToString("N0"), nets: true, rate: true));
        }
    }

    private sealed class RateColumn(string name, Func<double, double, string> format, bool nets = false, bool rate = false) : IColumn
    {
        public string Id => name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => name;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var scenario = (string)benchmarkCase.Parameters["Scenario"];
            var stats = summary[benchmarkCase]?.ResultStatistics;
            var work = Scenarios.Run(scenario);
            double amount = nets ? work.NetsCreated : work.Events;
            if (nets && !rate)
            {
                return work.NetsCreated.ToString("N0");
            }

            return stats is null ? "NA" : format(amount, stats.Mean / 1e9);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
