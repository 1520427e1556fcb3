using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NetnsPolicy.PluginHost;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Profiles;
using NetnsPolicy.Tournaments.Definition;

namespace NetnsPolicy.Tournaments.Sharding;

/// <summary>
/// What must be equal for shards to add up to one tournament: the file's bytes (scoring, gates, stability), the plan
/// as resolved on the machine that ran the shard (shipped workloads after their patches, kernel profiles' content,
/// policies, parameters, seeds), the engine version, and the bytes of every entry's policy assemblies.
/// </summary>
public sealed record TournamentIdentity
{
    public string Name { get; init; } = "";

    /// <summary>SHA-256 (hex) of the tournament file's text.</summary>
    public string FileSha256 { get; init; } = "";

    /// <summary>SHA-256 (hex) of every planned run as resolved (<see cref="TournamentPlan"/>), workload and profile content included.</summary>
    public string PlanSha256 { get; init; } = "";
    public int RunsPlanned { get; init; }
    public string EngineVersion { get; init; } = "";

    /// <summary>Assembly hash of each entry's policy (<see cref="PolicyLease.AssemblyHash"/>), by entry name in file order.</summary>
    public IReadOnlyDictionary<string, string> PolicyAssemblies { get; init; } = new Dictionary<string, string>();

    /// <summary>Computes the identity; <paramref name="catalog"/> supplies the policy assembly hashes (null: none recorded).</summary>
    public static TournamentIdentity Of(string fileText, Tournament tournament, IPolicyCatalog? catalog)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        ArgumentNullException.ThrowIfNull(tournament);
        var assemblies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (catalog is not null)
        {
            foreach (var entry in tournament.Entries)
            {
                using var lease = catalog.Acquire(entry.PolicySpec, entry.Parameters);
                assemblies[entry.Name] = lease.AssemblyHash;
            }
        }

        return new TournamentIdentity
        {
            Name = tournament.Name,
            FileSha256 = Sha256(fileText),
            PlanSha256 = PlanHash(tournament),
            RunsPlanned = tournament.Tracks.Count * tournament.Entries.Count * tournament.Replications,
            EngineVersion = SimulationEngine.Version,
            PolicyAssemblies = assemblies,
        };
    }

    private static string PlanHash(Tournament tournament)
    {
        // Length-prefixed fields: no choice of separator can make two different plans hash the same text.
        var text = new StringBuilder();
        void Field(string value) => text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        foreach (var spec in TournamentPlan.Of(tournament))
        {
            Field(spec.Track);
            Field(spec.Entry);
            Field(spec.WorkloadName);
            Field(spec.WorkloadJson);
            Field(spec.KernelProfile);
            Field(KernelProfileLoader.ReadBuiltIn(spec.KernelProfile) ?? "");
            Field(spec.PolicySpec);
            foreach (var (name, value) in spec.Parameters)
            {
                Field(name);
                Field(value);
            }

            Field(spec.Seed.ToString(CultureInfo.InvariantCulture));
            Field(spec.Replication.ToString(CultureInfo.InvariantCulture));
            text.Append('\n');
        }

        return Sha256(text.ToString());
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
