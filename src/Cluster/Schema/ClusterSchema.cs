using Npgsql;

namespace NetnsPolicy.Cluster.Schema;

/// <summary>
/// The PostgreSQL schema of the cluster, written for this project from the contract of Orleans' ADO.NET clustering
/// provider (Microsoft.Orleans.Clustering.AdoNet 10.4.2, whose packages ship no SQL): the provider reads its statements
/// from a table <c>OrleansQuery(QueryKey, QueryText)</c> (<c>DbStoredQueries.GetQueriesKey</c>) and requires the nine
/// clustering keys of <c>DbStoredQueries</c>, called by <c>RelationalOrleansQueries</c> with the parameters named there
/// (<c>DeploymentId</c>, <c>Address</c>, <c>Port</c>, <c>Generation</c>, …) and read back by column name
/// (<c>DbStoredQueries.Converters.GetMembershipEntry</c>: <c>Address, Port, Generation, SiloName, HostName, Status,
/// ProxyPort, SuspectTimes, StartTime, IAmAliveTime, Version</c>). The membership protocol's optimistic concurrency is
/// the table version: an insert or update succeeds only when <c>@Version</c> is the version the silo read, and bumps
/// it in the same statement. Beside them, the cluster's own execution log (which silo executed which simulation) and,
/// since version 2, the plugin assembly hashes each silo's catalog has (<c>netns_cluster_catalogs</c>).
/// Applied by <see cref="ApplyAsync"/> at silo start, in one transaction under an advisory lock.
/// </summary>
public static class ClusterSchema
{
    /// <summary>The version of this schema; a database at an older version is brought up to it at start.</summary>
    public const int Version = 2;

    /// <summary>Key of the transaction-scoped advisory lock silos starting at once serialise on ("netnsclu").</summary>
    internal const long AdvisoryLockKey = 0x6E65746E73636C75;

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS netns_cluster_schema (
            id integer PRIMARY KEY CHECK (id = 1),
            version integer NOT NULL
        );
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey varchar(64) PRIMARY KEY,
            querytext text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS netns_membership_version (
            deployment_id varchar(150) PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            changed_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS netns_membership (
            deployment_id varchar(150) NOT NULL,
            address varchar(45) NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name varchar(150) NOT NULL,
            host_name varchar(150) NOT NULL,
            status integer NOT NULL,
            proxy_port integer NOT NULL DEFAULT 0,
            suspect_times text,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)
        );
        CREATE TABLE IF NOT EXISTS netns_cluster_catalogs (
            silo varchar(200) NOT NULL,
            assembly_hash varchar(200) NOT NULL,
            advertised_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (silo, assembly_hash)
        );
        CREATE TABLE IF NOT EXISTS netns_cluster_executions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            content_hash char(64) NOT NULL,
            silo varchar(150) NOT NULL,
            status varchar(32) NOT NULL,
            result_bytes integer NOT NULL,
            finished_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS netns_cluster_executions_silo ON netns_cluster_executions (silo);
        """;

    // The membership columns under the names the provider reads (quoted: PostgreSQL folds unquoted names to lower case).
    private const string MemberColumns = """
        m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
        m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
        m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
        """;

    private const string SameSilo = "m.address = @Address AND m.port = @Port AND m.generation = @Generation";

    /// <summary>The provider's query keys and this schema's statements for them.</summary>
    internal static readonly IReadOnlyList<KeyValuePair<string, string>> Queries =
    [
        // One row per cluster holding the table version; true when this call created it.
        KeyValuePair.Create("InsertMembershipVersionKey", """
            WITH created AS (
                INSERT INTO netns_membership_version (deployment_id) VALUES (@DeploymentId)
                ON CONFLICT (deployment_id) DO NOTHING RETURNING 1)
            SELECT count(*) > 0 FROM created
            """),

        // The version row always (so the reader gets the version when the silo has no row), the silo's row if any.
        KeyValuePair.Create("MembershipReadRowKey", $"""
            SELECT v.version AS "Version", {MemberColumns}
            FROM netns_membership_version v
            LEFT JOIN netns_membership m ON m.deployment_id = v.deployment_id AND {SameSilo}
            WHERE v.deployment_id = @DeploymentId
            """),

        KeyValuePair.Create("MembershipReadAllKey", $"""
            SELECT v.version AS "Version", {MemberColumns}
            FROM netns_membership_version v
            LEFT JOIN netns_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId
            ORDER BY m.address, m.port, m.generation
            """),

        // A new silo's row, only if the table is still at the version the caller read (which this bumps) and the
        // silo has no row yet; the row lock of the version update serialises concurrent writers.
        KeyValuePair.Create("InsertMembershipKey", $"""
            WITH bumped AS (
                UPDATE netns_membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (SELECT 1 FROM netns_membership m WHERE m.deployment_id = @DeploymentId AND {SameSilo})
                RETURNING deployment_id),
            inserted AS (
                INSERT INTO netns_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                              proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                       @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1)
            SELECT count(*) > 0 FROM inserted
            """),

        // Status and suspicions of an existing row, under the same version condition.
        KeyValuePair.Create("UpdateMembershipKey", $"""
            WITH bumped AS (
                UPDATE netns_membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND EXISTS (SELECT 1 FROM netns_membership m WHERE m.deployment_id = @DeploymentId AND {SameSilo})
                RETURNING deployment_id),
            updated AS (
                UPDATE netns_membership m
                SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM bumped
                WHERE m.deployment_id = bumped.deployment_id AND {SameSilo}
                RETURNING 1)
            SELECT count(*) > 0 FROM updated
            """),

        // The heartbeat: not a membership change, so the version stays.
        KeyValuePair.Create("UpdateIAmAlivetimeKey", $"""
            UPDATE netns_membership m SET i_am_alive_time = @IAmAliveTime
            WHERE m.deployment_id = @DeploymentId AND {SameSilo}
            """),

        KeyValuePair.Create("GatewaysQueryKey", """
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM netns_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
            """),

        KeyValuePair.Create("DeleteMembershipTableEntriesKey", """
            DELETE FROM netns_membership WHERE deployment_id = @DeploymentId;
            DELETE FROM netns_membership_version WHERE deployment_id = @DeploymentId
            """),

        // Rows of silos declared dead (SiloStatus.Dead = 6) that have not been alive since @IAmAliveTime.
        KeyValuePair.Create("CleanupDefunctSiloEntriesKey", """
            DELETE FROM netns_membership
            WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
            """),
    ];

    /// <summary>
    /// Creates the tables and (re)writes the provider's queries when the database is new or at an older version, in one
    /// transaction holding <see cref="AdvisoryLockKey"/>: silos starting at once apply it once, the others wait and find
    /// it done. Returns true when this call applied it.
    /// </summary>
    public static async Task<bool> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) >= Version)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await using (var create = new NpgsqlCommand(Tables, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO orleansquery (querykey, querytext) VALUES (@key, @text) ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext",
                connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var version = new NpgsqlCommand(
            "INSERT INTO netns_cluster_schema (id, version) VALUES (1, @v) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version",
            connection, transaction))
        {
            version.Parameters.AddWithValue("v", Version);
            await version.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Looked up first: a statement naming a missing table would abort the transaction.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('netns_cluster_schema') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return 0;
            }
        }

        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM netns_cluster_schema", connection, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
