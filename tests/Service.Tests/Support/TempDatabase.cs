namespace NetnsPolicy.Service.Tests.Support;

/// <summary>A directory for one test's database, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("netns-policy-service-tests-").FullName;
        Path = System.IO.Path.Combine(Directory, "runs.db");
    }

    public string Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may outlive the service by a moment; the OS cleans temp later.
        }
    }
}
