using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace NetnsPolicy.Identity.Tests;

/// <summary>
/// The SHA-256 of every result JSON the identity tests compute, as stored in <c>tests/Identity.Tests/digests.json</c>
/// (a flat object, keys sorted). With <see cref="UpdateVariable"/> set, the tests write what they computed into the
/// source tree's copy instead of comparing: how the digests are refreshed after an intended model change.
/// </summary>
internal static class GoldenDigests
{
    public const string UpdateVariable = "NETNS_POLICY_UPDATE_DIGESTS";

    public const string HowToRefresh =
        "If the change of results is intended (a kernel-model or scoring change), refresh the digests with " +
        "`scripts/update-digests.sh` (runs " + UpdateVariable + "=1 dotnet test tests/Identity.Tests -c Release) and commit " +
        "tests/Identity.Tests/digests.json with the change; otherwise the change altered results it must leave byte-identical.";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true";

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The stored digests (the copy beside the test assembly).</summary>
    public static IReadOnlyDictionary<string, string> Load() => Read(Path.Combine(AppContext.BaseDirectory, "digests.json"));

    /// <summary>
    /// Compares <paramref name="computed"/> (every key under <paramref name="prefix"/>) with the stored digests and
    /// returns one line per difference (changed, missing, or stored but no longer computed). When updating, first
    /// replaces the keys under <paramref name="prefix"/> in the source tree's file and in the copy beside the tests.
    /// </summary>
    public static IReadOnlyList<string> Compare(string prefix, IReadOnlyDictionary<string, string> computed)
    {
        if (Updating)
        {
            var source = SourceFile();
            var merged = new SortedDictionary<string, string>(
                Read(source).Where(kv => !kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value),
                StringComparer.Ordinal);
            foreach (var (key, digest) in computed)
            {
                merged[key] = digest;
            }

            var text = JsonSerializer.Serialize(merged, Indented) + "\n";
            File.WriteAllText(source, text);
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "digests.json"), text);
        }

        var stored = Load().Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (key, digest) in computed.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!stored.TryGetValue(key, out var expected))
            {
                problems.Add($"{key}: no stored digest (computed {digest})");
            }
            else if (expected != digest)
            {
                problems.Add($"{key}: stored {expected}, computed {digest}");
            }
        }

        problems.AddRange(stored.Keys.Where(k => !computed.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{k}: stored but no longer computed"));
        return problems;
    }

    private static Dictionary<string, string> Read(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [];

    /// <summary><c>tests/Identity.Tests/digests.json</c> in the checkout the tests were built from.</summary>
    private static string SourceFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetnsPolicy.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "Identity.Tests", "digests.json");
            }
        }

        throw new InvalidOperationException("NetnsPolicy.sln not found above " + AppContext.BaseDirectory + ": cannot update the digests");
    }
}
