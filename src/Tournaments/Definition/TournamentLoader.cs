using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Reports;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Simulation.Workloads;

namespace NetnsPolicy.Tournaments.Definition;

/// <summary>
/// Reads and validates tournament files (docs/tournaments.md). Every problem is reported at once as an
/// <see cref="InputValidationException"/> whose errors name the field (<c>policies[1].sweep.batch_size</c>,
/// <c>tracks[0].workload.probe.interval_ms</c>, <c>gates[2].metric</c>…).
/// </summary>
public static class TournamentLoader
{
    /// <summary>Metrics scored when a file names none.</summary>
    public static IReadOnlyList<string> DefaultMetrics { get; } =
        [MetricCatalog.TeardownSeconds, MetricCatalog.CreationLatencyP99, MetricCatalog.Throughput, MetricCatalog.PeakMemory];

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads a tournament file; workload and profile paths in it are relative to the file's folder.</summary>
    public static Tournament Load(string path, IPolicyCatalog? catalog = null) =>
        Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)), catalog);

    /// <summary>
    /// Parses and validates tournament JSON. With a <paramref name="catalog"/>, every entry's policy and parameters
    /// are also checked against it. Without a <paramref name="baseDirectory"/> no file is read: tracks name shipped
    /// workloads and profiles or carry the workload inline as an object (what the service accepts from clients).
    /// </summary>
    public static Tournament Parse(string json, string? baseDirectory = null, IPolicyCatalog? catalog = null)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions) as JsonObject
                ?? throw new InputValidationException("$", "a tournament must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputValidationException("$", "invalid JSON: " + e.Message);
        }

        var errors = new List<FieldError>();
        var f = new JsonFields(errors);
        f.RejectUnknown(root, "", "format_version", "name", "description", "baseline", "policies", "tracks", "replications", "seed", "metrics", "gates", "stability", "time_budget_seconds", "thresholds", "full_series");
        var version = f.Number(root, "", "format_version", 1, int.MaxValue, required: true, integer: true);
        if (version is { } v && (int)v != Tournament.CurrentFormatVersion)
        {
            f.Error("format_version", $"this build reads format version {Tournament.CurrentFormatVersion}");
        }

        var name = f.String(root, "", "name", required: true) ?? "";
        var baseline = f.String(root, "", "baseline", required: true) ?? "";
        var entries = ReadEntries(f, root, catalog);
        var seed = f.UInt64(root, "", "seed");
        var tracks = ReadTracks(f, root, baseDirectory, seed);
        var metrics = ReadMetrics(f, root);
        var gates = ReadGates(f, root, tracks, entries);
        var stability = f.Object(root, "", "stability");
        if (stability is not null)
        {
            f.RejectUnknown(stability, "stability", "resamples", "seed");
        }

        if (baseline.Length > 0 && entries.Count > 0 && entries.All(e => e.Name != baseline))
        {
            f.Error("baseline", $"'{baseline}' is not a policy entry ({string.Join(", ", entries.Select(e => e.Name))})");
        }

        var tournament = new Tournament
        {
            Name = name,
            Description = f.String(root, "", "description") ?? "",
            Baseline = baseline,
            Entries = entries,
            Tracks = tracks,
            Replications = (int)(f.Number(root, "", "replications", 1, 1000, integer: true) ?? 5),
            Seed = seed,
            Metrics = metrics,
            Gates = gates,
            StabilityResamples = stability is null ? 1000 : (int)(f.Number(stability, "stability", "resamples", 0, 100_000, integer: true) ?? 1000),
            StabilitySeed = stability is null ? 1 : f.UInt64(stability, "stability", "seed") ?? 1,
            TimeBudget = f.Number(root, "", "time_budget_seconds", 1, 7 * 24 * 3600) is { } s ? TimeSpan.FromSeconds(s) : null,
            Thresholds = ReadThresholds(f, root),
            FullSeries = f.Bool(root, "", "full_series") ?? false,
        };
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return tournament;
    }

    /// <summary>"thresholds": {"default": 0.02, "teardown_seconds": 0.05}: relative practical thresholds (docs/tournaments.md).</summary>
    private static PracticalThresholds ReadThresholds(JsonFields f, JsonObject root)
    {
        var obj = f.Object(root, "", "thresholds");
        if (obj is null)
        {
            return PracticalThresholds.Default;
        }

        f.RejectUnknown(obj, "thresholds", ["default", .. MetricCatalog.All.Select(m => m.Id)]);
        var perMetric = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var m in MetricCatalog.All)
        {
            if (f.Number(obj, "thresholds", m.Id, 0, 0.999) is { } v)
            {
                perMetric[m.Id] = v;
            }
        }

        return new PracticalThresholds { Relative = f.Number(obj, "thresholds", "default", 0, 0.999) ?? PracticalThresholds.DefaultRelative, PerMetric = perMetric };
    }

    private static List<PolicyEntry> ReadEntries(JsonFields f, JsonObject root, IPolicyCatalog? catalog)
    {
        var list = new List<PolicyEntry>();
        var array = f.Array(root, "", "policies", required: true, nonEmpty: true);
        for (var i = 0; array is not null && i < array.Count; i++)
        {
            var path = $"policies[{i}]";
            if (array[i] is not JsonObject o)
            {
                f.Error(path, "must be an object");
                continue;
            }

            f.RejectUnknown(o, path, "policy", "name", "parameters", "sweep");
            var spec = f.String(o, path, "policy", required: true);
            var fixedParameters = ReadScalars(f, f.Object(o, path, "parameters"), path + ".parameters");
            var sweep = ReadSweep(f, f.Object(o, path, "sweep"), path + ".sweep");
            foreach (var key in sweep.Select(s => s.Key).Where(fixedParameters.ContainsKey))
            {
                f.Error($"{path}.sweep.{key}", "is also set in parameters");
            }

            if (spec is null)
            {
                continue;
            }

            var displayName = f.String(o, path, "name") ?? spec;
            foreach (var assignment in Cartesian(sweep))
            {
                var parameters = new Dictionary<string, string>(fixedParameters, StringComparer.Ordinal);
                foreach (var (k, value) in assignment)
                {
                    parameters[k] = value;
                }

                var entryName = assignment.Count == 0 ? displayName : $"{displayName}[{string.Join(",", assignment.Select(kv => kv.Key + "=" + kv.Value))}]";
                if (list.Any(e => e.Name == entryName))
                {
                    f.Error(path, $"entry '{entryName}' appears twice: give one of them a distinct \"name\"");
                    continue;
                }

                var entry = new PolicyEntry(entryName, spec, parameters);
                if (catalog is not null && !CheckAgainstCatalog(f, catalog, entry, path, sweep.Select(s => s.Key)))
                {
                    break;
                }

                list.Add(entry);
            }
        }

        return list;
    }

    private static bool CheckAgainstCatalog(JsonFields f, IPolicyCatalog catalog, PolicyEntry entry, string path, IEnumerable<string> sweepKeys)
    {
        try
        {
            using var lease = catalog.Acquire(entry.PolicySpec, entry.Parameters);
            return true;
        }
        catch (InputValidationException e)
        {
            foreach (var error in e.Errors)
            {
                var field = error.Field;
                if (field.StartsWith("parameters.", StringComparison.Ordinal) && sweepKeys.Contains(field["parameters.".Length..]))
                {
                    field = "sweep." + field["parameters.".Length..];
                }

                f.Error($"{path}.{field}", error.Message);
            }

            return false;
        }
    }

    private static Dictionary<string, string> ReadScalars(JsonFields f, JsonObject? obj, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, node) in obj ?? [])
        {
            if (f.Scalar(node, $"{path}.{key}") is { } text)
            {
                values[key] = text;
            }
        }

        return values;
    }

    private static List<KeyValuePair<string, List<string>>> ReadSweep(JsonFields f, JsonObject? obj, string path)
    {
        var sweep = new List<KeyValuePair<string, List<string>>>();
        foreach (var (key, node) in obj ?? [])
        {
            if (node is not JsonArray { Count: > 0 } values)
            {
                f.Error($"{path}.{key}", "must be a non-empty array of values");
                continue;
            }

            var texts = new List<string>();
            for (var j = 0; j < values.Count; j++)
            {
                if (f.Scalar(values[j], $"{path}.{key}[{j}]") is { } text)
                {
                    if (texts.Contains(text))
                    {
                        f.Error($"{path}.{key}[{j}]", $"value {text} appears twice");
                    }

                    texts.Add(text);
                }
            }

            sweep.Add(new(key, texts));
        }

        return sweep;
    }

    private static IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> Cartesian(List<KeyValuePair<string, List<string>>> sweep)
    {
        IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> result = [[]];
        foreach (var (key, values) in sweep)
        {
            result = result.SelectMany(prefix => values.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. prefix, new(key, v)])).ToList();
        }

        return result;
    }

    private static List<Track> ReadTracks(JsonFields f, JsonObject root, string? baseDirectory, ulong? seed)
    {
        var list = new List<Track>();
        var array = f.Array(root, "", "tracks", required: true, nonEmpty: true);
        for (var i = 0; array is not null && i < array.Count; i++)
        {
            var path = $"tracks[{i}]";
            if (array[i] is not JsonObject o)
            {
                f.Error(path, "must be an object");
                continue;
            }

            f.RejectUnknown(o, path, "name", "workload", "workload_patch", "kernel_profile", "held_out");
            // Content, never a path, when the file did not come from disk (baseDirectory null: the service): a
            // shipped workload's name, or the workload itself as an object.
            var inlineWorkload = o["workload"] as JsonObject;
            var workloadName = inlineWorkload is not null ? "inline" : f.String(o, path, "workload", required: true);
            var patch = f.Object(o, path, "workload_patch");
            var profileName = f.String(o, path, "kernel_profile");
            var heldOut = f.Bool(o, path, "held_out") ?? false;
            var name = f.String(o, path, "name") ?? workloadName;
            if (workloadName is null || name is null)
            {
                continue;
            }

            if (list.Any(t => t.Name == name))
            {
                f.Error($"{path}.name", $"track '{name}' appears twice");
                continue;
            }

            var workload = ResolveWorkload(f, workloadName, inlineWorkload, patch, baseDirectory, path);
            if (workload is null)
            {
                continue;
            }

            var profile = profileName ?? workload.Value.Workload.Machine.KernelProfile;
            profile = Resolve(profile, baseDirectory);
            try
            {
                if (baseDirectory is null)
                {
                    _ = KernelProfileLoader.TryLoadBuiltIn(profile) ?? throw new InputValidationException(
                        "kernel_profile", $"'{Bounded(profile)}' is not a shipped kernel profile ({string.Join(", ", KernelProfileLoader.BuiltInIds)}); files are not read here");
                }
                else
                {
                    KernelProfileLoader.Load(profile);
                }
            }
            catch (InputValidationException e)
            {
                f.Error(profileName is null ? $"{path}.workload.machine.kernel_profile" : $"{path}.kernel_profile", string.Join("; ", e.Errors.Select(x => x.Message)));
                continue;
            }

            list.Add(new Track(name, workloadName, workload.Value.Json, profile, heldOut, seed ?? workload.Value.Workload.Seed));
        }

        return list;
    }

    private static (string Json, Workload Workload)? ResolveWorkload(JsonFields f, string workloadName, JsonObject? inline, JsonObject? patch, string? baseDirectory, string path)
    {
        var text = inline?.ToJsonString() ?? WorkloadLoader.ReadBuiltIn(workloadName);
        if (text is null && baseDirectory is null)
        {
            // Parsed from text (the service): no file is opened, whatever the name looks like.
            f.Error($"{path}.workload", $"'{Bounded(workloadName)}' is not a shipped workload ({string.Join(", ", WorkloadLoader.BuiltInNames)}); give a shipped name or the workload inline as an object (files are not read here)");
            return null;
        }

        if (text is null)
        {
            var file = Resolve(workloadName, baseDirectory);
            if (!File.Exists(file))
            {
                f.Error($"{path}.workload", $"'{Bounded(workloadName)}' is neither a shipped workload ({string.Join(", ", WorkloadLoader.BuiltInNames)}) nor a file");
                return null;
            }

            text = File.ReadAllText(file);
        }

        try
        {
            var json = patch is null ? text : JsonMergePatch.Apply(JsonNode.Parse(text, documentOptions: DocumentOptions), patch)!.ToJsonString();
            return (json, WorkloadLoader.Parse(json));
        }
        catch (JsonException e)
        {
            f.Error($"{path}.workload", "invalid JSON: " + e.Message);
        }
        catch (InputValidationException e)
        {
            foreach (var error in e.Errors)
            {
                f.Error($"{path}.workload.{error.Field}", error.Message);
            }
        }

        return null;
    }

    /// <summary>At most 64 characters of a client's text, for error messages.</summary>
    private static string Bounded(string text) => text.Length > 64 ? text[..64] + "…" : text;

    private static string Resolve(string nameOrPath, string? baseDirectory) =>
        baseDirectory is not null && nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(nameOrPath)
            ? Path.Combine(baseDirectory, nameOrPath)
            : nameOrPath;

    private static List<string> ReadMetrics(JsonFields f, JsonObject root)
    {
        var metrics = f.Strings(root, "", "metrics", nonEmpty: true);
        if (metrics is null)
        {
            return [.. DefaultMetrics];
        }

        for (var i = 0; i < metrics.Count; i++)
        {
            if (MetricCatalog.Find(metrics[i]) is null)
            {
                f.Error($"metrics[{i}]", $"unknown metric '{metrics[i]}' (known: {string.Join(", ", MetricCatalog.All.Select(m => m.Id))})");
            }
            else if (metrics.Take(i).Contains(metrics[i]))
            {
                f.Error($"metrics[{i}]", $"'{metrics[i]}' appears twice");
            }
        }

        return [.. metrics];
    }

    private static List<GateSpec> ReadGates(JsonFields f, JsonObject root, List<Track> tracks, List<PolicyEntry> entries)
    {
        var array = f.Array(root, "", "gates");
        if (array is null)
        {
            return [new GateSpec(GateKinds.NoDisqualified, GateKinds.NoDisqualified, null, 0, false, null, null)];
        }

        var gates = new List<GateSpec>();
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"gates[{i}]";
            if (array[i] is not JsonObject o)
            {
                f.Error(path, "must be an object");
                continue;
            }

            f.RejectUnknown(o, path, "kind", "name", "metric", "max_percent", "require_significance", "tracks", "policies");
            var kind = f.String(o, path, "kind", required: true);
            if (kind is not null && !GateKinds.All.Contains(kind))
            {
                f.Error($"{path}.kind", $"unknown gate kind '{kind}' (known: {string.Join(", ", GateKinds.All)})");
                continue;
            }

            var metric = f.String(o, path, "metric", required: kind == GateKinds.MaxRegression);
            if (metric is not null && MetricCatalog.Find(metric) is null)
            {
                f.Error($"{path}.metric", $"unknown metric '{metric}' (known: {string.Join(", ", MetricCatalog.All.Select(m => m.Id))})");
            }

            var maxPercent = f.Number(o, path, "max_percent", 0, 1e6, required: kind == GateKinds.MaxRegression) ?? 0;
            var gateTracks = f.Strings(o, path, "tracks", nonEmpty: true);
            var gateEntries = f.Strings(o, path, "policies", nonEmpty: true);
            CheckNames(f, gateTracks, tracks.Select(t => t.Name).ToList(), $"{path}.tracks", "track");
            CheckNames(f, gateEntries, entries.Select(e => e.Name).ToList(), $"{path}.policies", "policy entry");
            if (kind is null)
            {
                continue;
            }

            var name = f.String(o, path, "name") ?? (metric is null ? kind : string.Create(CultureInfo.InvariantCulture, $"{kind}({metric}, {maxPercent}%)"));
            if (gates.Any(g => g.Name == name))
            {
                // The name identifies the JUnit test suite and the rows of the gate table.
                f.Error($"{path}.name", $"another gate is already named '{name}': give this one a distinct \"name\"");
                continue;
            }

            gates.Add(new GateSpec(name, kind, metric, maxPercent, f.Bool(o, path, "require_significance") ?? false, gateTracks, gateEntries));
        }

        return gates;
    }

    private static void CheckNames(JsonFields f, IReadOnlyList<string>? names, List<string> known, string path, string what)
    {
        for (var i = 0; names is not null && i < names.Count; i++)
        {
            if (!known.Contains(names[i]))
            {
                f.Error($"{path}[{i}]", $"unknown {what} '{names[i]}' (known: {string.Join(", ", known)})");
            }
        }
    }
}
