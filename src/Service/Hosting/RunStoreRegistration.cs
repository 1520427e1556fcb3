using NetnsPolicy.Service.Persistence;

namespace NetnsPolicy.Service.Hosting;

/// <summary>Registers the run store the service uses: SQLite embedded, or a shared PostgreSQL database.</summary>
public static class RunStoreRegistration
{
    /// <summary>
    /// The store <paramref name="options"/> selects: PostgreSQL when <see cref="ServiceOptions.StoreConnectionString"/>
    /// is set, else the SQLite file <see cref="ServiceOptions.DatabasePath"/>.
    /// </summary>
    public static IServiceCollection AddRunStore(this IServiceCollection services, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.StoreConnectionString.Length > 0
            ? services.AddPostgresRunStore(options.StoreConnectionString)
            : services.AddSingleton<IRunStore, SqliteRunStore>();
    }

    /// <summary>
    /// The store on PostgreSQL (<c>Host=…;Database=…</c>), in place of any store registered before (the last
    /// registration wins): what <c>serve --cluster</c> uses so that every silo sees every run.
    /// </summary>
    public static IServiceCollection AddPostgresRunStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddSingleton<IRunStore>(_ => new PostgresRunStore(connectionString));
    }
}
