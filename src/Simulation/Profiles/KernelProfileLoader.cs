namespace NetnsPolicy.Simulation.Profiles;

/// <summary>Reads kernel profiles: the shipped ones (embedded from <c>profiles/</c>) or a file.</summary>
public static class KernelProfileLoader
{
    private const string ResourcePrefix = "profiles/";

    /// <summary>Ids of the shipped profiles.</summary>
    public static IReadOnlyList<string> BuiltInIds { get; } = typeof(KernelProfileLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(n => Path.GetFileNameWithoutExtension(n[ResourcePrefix.Length..]))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Parses and validates profile JSON.</summary>
    public static KernelProfile Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new InputValidationException("$", "the kernel profile is empty");
        }

        var profile = JsonInput.Parse<KernelProfile>(json, "kernel profile");
        var errors = KernelProfileValidator.Validate(profile);
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return profile;
    }

    /// <summary>A shipped profile by id (e.g. <c>v4.9</c>) or a profile file by path.</summary>
    public static KernelProfile Load(string idOrPath)
    {
        if (idOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(idOrPath))
        {
            return Parse(File.ReadAllText(idOrPath));
        }

        return TryLoadBuiltIn(idOrPath)
            ?? throw new InputValidationException("machine.kernel_profile", $"unknown kernel profile '{idOrPath}' (known: {string.Join(", ", BuiltInIds)})");
    }

    /// <summary>A shipped profile, or null.</summary>
    public static KernelProfile? TryLoadBuiltIn(string id)
    {
        var text = ReadBuiltIn(id);
        return text is null ? null : Parse(text);
    }

    /// <summary>The JSON text of a shipped profile, or null.</summary>
    public static string? ReadBuiltIn(string id)
    {
        using var stream = typeof(KernelProfileLoader).Assembly.GetManifestResourceStream(ResourcePrefix + id + ".json");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
