using Npgsql;
using NetnsPolicy.PluginHost;
using Orleans.Runtime;

namespace NetnsPolicy.Cluster.Scheduling;

/// <summary>
/// Which plugin bytes each silo has: every silo advertises the assembly hashes of its catalog's policies in
/// <c>netns_cluster_catalogs</c> (keyed by its silo address, so a restarted silo is a new row set), at start and when
/// its catalog changes (plugins folders are watched). The scheduler reads it only when a silo refused a simulation, to
/// place it again on a silo that has the policy's hash.
/// </summary>
internal sealed class SiloCatalogs(NpgsqlDataSource dataSource, IServiceProvider services, ILocalSiloDetails localSilo)
{
    /// <summary>The service's catalog; none in a host that runs the scheduler alone (the contract suite's), which advertises nothing.</summary>
    private readonly IPolicyCatalog? _catalog = services.GetService<IPolicyCatalog>();

    private string[] _advertised = [];

    /// <summary>Writes this silo's hashes when they differ from what it last advertised; true when it wrote.</summary>
    public async Task<bool> AdvertiseAsync(CancellationToken cancellationToken)
    {
        if (_catalog is null)
        {
            return false;
        }

        var hashes = _catalog.List().Select(p => p.AssemblyHash).Where(h => h.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (hashes.SequenceEqual(_advertised, StringComparer.Ordinal))
        {
            return false;
        }

        var silo = localSilo.SiloAddress.ToParsableString();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = new NpgsqlCommand("DELETE FROM netns_cluster_catalogs WHERE silo = @silo", connection, transaction))
        {
            delete.Parameters.AddWithValue("silo", silo);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO netns_cluster_catalogs (silo, assembly_hash) SELECT @silo, unnest(@hashes) ON CONFLICT DO NOTHING", connection, transaction))
        {
            insert.Parameters.AddWithValue("silo", silo);
            insert.Parameters.AddWithValue("hashes", hashes);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _advertised = hashes;
        return true;
    }

    /// <summary>The silos that advertise <paramref name="assemblyHash"/> (live or not: the caller intersects with the active ones).</summary>
    public async Task<HashSet<SiloAddress>> HavingAsync(string assemblyHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT silo FROM netns_cluster_catalogs WHERE assembly_hash = @hash");
        command.Parameters.AddWithValue("hash", assemblyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var silos = new HashSet<SiloAddress>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            silos.Add(SiloAddress.FromParsableString(reader.GetString(0)));
        }

        return silos;
    }
}
