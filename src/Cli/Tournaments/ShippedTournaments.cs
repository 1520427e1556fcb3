using NetnsPolicy.Simulation;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>The tournaments shipped in <c>tournaments/</c> beside the program (the dotnet tool carries them), by name.</summary>
internal static class ShippedTournaments
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "tournaments");

    /// <summary>Names of the shipped tournaments (file names without .json).</summary>
    public static IReadOnlyList<string> Names =>
        Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray() : [];

    /// <summary>A file path as given, else the shipped tournament of that name.</summary>
    /// <exception cref="InputValidationException">Neither exists; names the closest shipped tournament.</exception>
    public static string Resolve(string fileOrName)
    {
        ArgumentNullException.ThrowIfNull(fileOrName);
        if (File.Exists(fileOrName))
        {
            return fileOrName;
        }

        var shipped = Path.Combine(Folder, Path.GetFileName(fileOrName.EndsWith(".json", StringComparison.Ordinal) ? fileOrName : fileOrName + ".json"));
        if (File.Exists(shipped))
        {
            return shipped;
        }

        var name = Path.GetFileNameWithoutExtension(fileOrName);
        throw new InputValidationException("file", $"'{fileOrName}' is neither a tournament file nor a shipped tournament{Suggest.Closest(name, Names)} (shipped: {string.Join(", ", Names)})");
    }
}
