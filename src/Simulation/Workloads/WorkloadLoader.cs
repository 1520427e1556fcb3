using System.Reflection;

namespace NetnsPolicy.Simulation.Workloads;

/// <summary>Reads workload files and the shipped workloads, validating every field.</summary>
public static class WorkloadLoader
{
    private const string ResourcePrefix = "workloads/";

    /// <summary>Parses and validates workload JSON. Throws <see cref="InputValidationException"/> naming each bad field.</summary>
    public static Workload Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new InputValidationException("$", "the workload is empty");
        }

        var workload = JsonInput.Parse<Workload>(json, "workload");
        var errors = WorkloadValidator.Validate(workload);
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return workload;
    }

    /// <summary>Loads a workload from a file path, or a shipped workload by name (e.g. <c>seed-1000-maxcpus1</c>).</summary>
    public static Workload Load(string pathOrName)
    {
        if (File.Exists(pathOrName))
        {
            return Parse(File.ReadAllText(pathOrName));
        }

        var text = ReadBuiltIn(pathOrName)
            ?? throw new InputValidationException("workload", $"'{pathOrName}' is neither a file nor a shipped workload ({string.Join(", ", BuiltInNames)})");
        return Parse(text);
    }

    /// <summary>Names of the workloads shipped in <c>workloads/</c>.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = typeof(WorkloadLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(n => Path.GetFileNameWithoutExtension(n[ResourcePrefix.Length..]))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The JSON text of a shipped workload, or null.</summary>
    public static string? ReadBuiltIn(string name)
    {
        using var stream = typeof(WorkloadLoader).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
