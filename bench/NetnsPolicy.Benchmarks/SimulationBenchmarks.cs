using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.Benchmarks;

/// <summary>
/// Wall time of whole simulation runs beside a <see cref="HoldModel"/> baseline measured in the same run. The columns
/// turn the time into the units a user feels: netns lifecycles per wall second, simulated seconds per wall second,
/// allocated bytes per lifecycle, and the ratio of each run's time to the hold baseline's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class SimulationBenchmarks
{
    private static readonly ConcurrentDictionary<string, RunResult> Work = new();

    [ParamsSource(nameof(ScenarioNames))]
    public string Scenario { get; set; } = "";

    public static IEnumerable<string> ScenarioNames => [Scenarios.HoldBaseline, .. Scenarios.Names];

    [Benchmark]
    public long Simulate() => Scenario == Scenarios.HoldBaseline ? HoldModel.Run() : Scenarios.Run(Scenario).Events;

    /// <summary>The deterministic work of one run of a scenario (the same every run), computed once in the host.</summary>
    private static RunResult? WorkOf(string scenario) =>
        scenario == Scenarios.HoldBaseline ? null : Work.GetOrAdd(scenario, Scenarios.Run);

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new UnitColumn("Lifecycles/op", (w, _, _) => w.NetsFreed.ToString("N0")));
            AddColumn(new UnitColumn("Lifecycles/s", (w, s, _) => (w.NetsFreed / s).ToString("N0")));
            AddColumn(new UnitColumn("SimSec/s", (w, s, _) => (w.SimulatedSeconds / s).ToString("F1")));
            AddColumn(new UnitColumn("Bytes/lifecycle", (w, _, bytes) => bytes is { } b && w.NetsFreed > 0 ? (b / (double)w.NetsFreed).ToString("N0") : "NA"));
            AddColumn(new HoldRatioColumn());
        }
    }

    private static double? MeanSeconds(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean / 1e9;

    private abstract class ColumnBase(string name) : IColumn
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

        public abstract string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style);

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    /// <summary>A unit derived from the run's deterministic work, its mean wall seconds and its bytes allocated per run.</summary>
    private sealed class UnitColumn(string name, Func<RunResult, double, long?, string> format) : ColumnBase(name)
    {
        public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var work = WorkOf((string)benchmarkCase.Parameters["Scenario"]);
            var seconds = MeanSeconds(summary, benchmarkCase);
            if (work is null)
            {
                return "-";
            }

            var bytes = summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return seconds is { } s ? format(work, s, bytes) : "NA";
        }
    }

    /// <summary>The run's mean time over the hold baseline's mean time in the same run (1.00 for the baseline).</summary>
    private sealed class HoldRatioColumn() : ColumnBase("Time/hold")
    {
        public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var hold = summary.BenchmarksCases.FirstOrDefault(c => (string)c.Parameters["Scenario"] == Scenarios.HoldBaseline);
            return hold is not null && MeanSeconds(summary, hold) is { } h && MeanSeconds(summary, benchmarkCase) is { } s
                ? (s / h).ToString("F2")
                : "NA";
        }
    }
}
