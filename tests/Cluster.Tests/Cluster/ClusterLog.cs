using Npgsql;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>The multi-silo tests' tournament, and what the cluster's execution log (<c>netns_cluster_executions</c>) says.</summary>
internal static class ClusterLog
{
    /// <summary>Three entries × two tracks × 50 replications of a small burst: many cheap simulations (also scripts/cluster-bench.sh's).</summary>
    public static string Cluster300 { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cluster", "Tournaments", "cluster-300.json"));

    /// <summary>Distinct simulations each silo executed.</summary>
    public static async Task<Dictionary<string, int>> ExecutedPerSiloAsync(string connection, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        await using var command = source.CreateCommand("SELECT silo, count(DISTINCT content_hash) FROM netns_cluster_executions GROUP BY silo");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Waits until the cluster has executed at least <paramref name="count"/> distinct simulations; the total and the counts per silo then.</summary>
    public static async Task<(int Total, Dictionary<string, int> PerSilo)> WaitForExecutedAsync(string connection, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var perSilo = await ExecutedPerSiloAsync(connection, cancellationToken);
            if (perSilo.Values.Sum() >= count)
            {
                return (perSilo.Values.Sum(), perSilo);
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
