using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetnsPolicy.TestSupport;

/// <summary>
/// A private PostgreSQL server for one test: <c>initdb</c> in a temporary folder, <c>pg_ctl start</c> on a free
/// loopback port (TCP on 127.0.0.1 only, its Unix socket inside the folder), then <c>pg_ctl stop</c> and the folder
/// removed on dispose, so no server outlives the test run. As root (tests run as root) the server runs as the
/// unprivileged <c>postgres</c> user (or <c>nobody</c>) through <c>runuser</c>, since PostgreSQL refuses to run as
/// root. Programs come from <c>$NETNS_POLICY_PG_BIN</c>, PATH, or Debian's newest <c>/usr/lib/postgresql/N/bin</c>;
/// scripts/deps/postgresql.sh installs them.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _binDirectory;
    private readonly string? _runAs;
    private int _stopped;

    private PostgresInstance(string directory, string binDirectory, string? runAs, int port)
    {
        Directory = directory;
        _binDirectory = binDirectory;
        _runAs = runAs;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += StopAtExit;
    }

    /// <summary>The temporary folder: <c>data/</c>, the Unix socket, <c>server.log</c>.</summary>
    public string Directory { get; }

    public int Port { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>Superuser <c>postgres</c>, trust authentication (the server listens on loopback only).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=15";

    /// <summary>The postmaster's process id, from <c>postmaster.pid</c>.</summary>
    public int ServerProcessId => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public static async Task<PostgresInstance> StartAsync(CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory();
        var runAs = Environment.IsPrivilegedProcess ? UnprivilegedUser() : null;
        var directory = System.IO.Directory.CreateTempSubdirectory("netns-policy-pg-").FullName;
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", [runAs, directory], cancellationToken).ConfigureAwait(false);
            }

            await RunAsync(runAs, Path.Combine(bin, "initdb"), ["-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], cancellationToken).ConfigureAwait(false);

            // A port found free can be taken before the server binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                var options = string.Join(' ', $"-p {port}", "-c listen_addresses=127.0.0.1", $"-k {directory}", "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");
                try
                {
                    await RunAsync(runAs, Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", options, "start"], cancellationToken).ConfigureAwait(false);
                    return new PostgresInstance(directory, bin, runAs, port);
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                }
            }
        }
        catch (Exception e)
        {
            var log = Path.Combine(directory, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
            DeleteDirectory(directory);
            throw new InvalidOperationException($"could not start a private PostgreSQL (programs in {bin}): {e.Message}\n{tail}", e);
        }
    }

    /// <summary>Stops the server (fast shutdown; immediate if that fails) and removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= StopAtExit;
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await RunAsync(_runAs, Path.Combine(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], timeout.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            await RunAsync(_runAs, Path.Combine(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(Directory);
        }
    }

    /// <summary>A test run that ends without disposing (a crash of the fixture) must still not leave a server behind.</summary>
    private void StopAtExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("NETNS_POLICY_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        if (onPath is not null)
        {
            return onPath;
        }

        var debian = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => x.Version >= 0 && File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;
        return debian ?? throw new InvalidOperationException("PostgreSQL's initdb was not found ($NETNS_POLICY_PG_BIN, PATH, /usr/lib/postgresql/N/bin): run scripts/deps/postgresql.sh");
    }

    private static string UnprivilegedUser()
    {
        var users = File.ReadLines("/etc/passwd").Select(l => l.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        return users.Contains("postgres") ? "postgres" : users.Contains("nobody") ? "nobody" : throw new InvalidOperationException("neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as (it refuses root)");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsync(string? runAs, string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        runAs is null ? RunAsync(program, arguments, cancellationToken) : RunAsync("runuser", ["-u", runAs, "--", program, .. arguments], cancellationToken);

    /// <summary>Runs a program to its end; a non-zero exit is an <see cref="InvalidOperationException"/> with its output.</summary>
    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited {process.ExitCode}: {output.Trim()}");
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
