using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetnsPolicy.Calibration;

/// <summary>
/// What <c>probe</c> measured on one host (docs/calibration.md): <c>measurements.json</c> beside a <c>workloads/</c>
/// folder holding one workload file per experiment, so the simulation can replay each experiment.
/// </summary>
public sealed record MeasurementSet
{
    public const int CurrentFormatVersion = 1;
    public const string FileName = "measurements.json";

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public HostInfo Host { get; init; } = new();
    /// <summary>The command line that took the measurements.</summary>
    public string Command { get; init; } = "";
    public IReadOnlyList<Experiment> Experiments { get; init; } = [];
    /// <summary>
    /// How the burst probe saw each host-side peer go: "rtnetlink" (RTM_DELLINK notifications, <see cref="LinkMonitor"/>);
    /// absent in folders probed before 2026-12-02 07:00, whose probe stat-ed /sys/class/net/&lt;peer&gt; every 1 ms.
    /// </summary>
    public string? PeerObserver { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static MeasurementSet Load(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no {FileName} in {dir} (write one with 'netns-policy probe --out {dir}')", path);
        }

        var set = JsonSerializer.Deserialize<MeasurementSet>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException(path + " is empty");
        if (set.FormatVersion != CurrentFormatVersion)
        {
            throw new InvalidDataException($"{path}: format_version {set.FormatVersion}, this build reads {CurrentFormatVersion}");
        }

        return set;
    }

    public void Save(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json) + "\n");
    }
}

/// <summary>One experiment: the workload that replays it and the quantities measured.</summary>
public sealed record Experiment
{
    public string Name { get; init; } = "";
    /// <summary>serial, memory, loops, churn or burst.</summary>
    public string Kind { get; init; } = "";
    /// <summary>The workload file, relative to the measurement folder.</summary>
    public string Workload { get; init; } = "";
    /// <summary>Whether <c>calibrate</c> fits to this experiment; the others are held out for <c>validate</c>.</summary>
    public bool Fit { get; init; }
    public IReadOnlyList<MeasuredQuantity> Quantities { get; init; } = [];
    /// <summary>Runs the quantities summarise (bursts); the simulation replays as many replications for the spread.</summary>
    public int? Repeats { get; init; }
    /// <summary>
    /// The perf-sampled kernel profile of the teardown, folded stacks (relative to the measurement folder): of the first
    /// timed run before 2026-12-02's ninth round, since then the pool of <see cref="PerfRuns"/> runs of its own.
    /// </summary>
    public string? Perf { get; init; }

    /// <summary>How many perf-sampled runs <see cref="Perf"/> pools (null: one).</summary>
    public int? PerfRuns { get; init; }
    /// <summary>What the machine did besides the experiment while it ran (steal, the reference work's speed); not used by the fit.</summary>
    public HostActivity? HostActivity { get; init; }

    /// <summary>Raw samples (e.g. every creation latency, the teardown curve), for plots; not used by the fit.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Samples { get; init; } = new Dictionary<string, IReadOnlyList<double>>();
}

/// <summary>A measured value, named as <see cref="Quantities"/> knows it.</summary>
public sealed record MeasuredQuantity(string Name, double Value, string Unit);
