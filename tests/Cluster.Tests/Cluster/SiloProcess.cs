using System.Collections.Concurrent;
using System.Diagnostics;

namespace NetnsPolicy.Cluster.Tests.Cluster;

/// <summary>
/// One <c>netns-policy serve --cluster</c> process on loopback (the CLI built beside the tests, its shipped plugins,
/// its own data folder, free ports). Killed with its process tree on dispose, so no silo outlives the test.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote (stdout and stderr), line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static SiloProcess Start(string name, string connectionString, string dataDirectory, params string[] options)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "netns-policy.dll"), "serve", "--listen", "127.0.0.1", "--port", "0", "--web-port", "-1",
            "--data", dataDirectory, "--cluster", connectionString, "--silo-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--advertise", "127.0.0.1", "--silo-name", name,
        })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var option in options)
        {
            info.ArgumentList.Add(option);
        }

        // A killed silo is declared dead after two missed one-second probes (Orleans' defaults: 5 s, three).
        info.Environment["NETNSPOLICY_Cluster__ProbeTimeout"] = "00:00:01";
        info.Environment["NETNSPOLICY_Cluster__MissedProbesLimit"] = "2";

        // What a dead silo held is looked for every second (default 5 s).
        info.Environment["NETNSPOLICY_Cluster__SweepInterval"] = "00:00:01";
        var process = new Process { StartInfo = info };
        var silo = new SiloProcess(name, process);
        process.OutputDataReceived += (_, e) => silo.Line(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Line(e.Data);
        process.Exited += (_, _) => silo._listening.TrySetException(new InvalidOperationException($"silo {name} exited ({process.ExitCode}):\n{string.Join('\n', silo.Output)}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>The gRPC address once the service listens (it prints it after the silo joined).</summary>
    public Task<Uri> ListeningAsync => _listening.Task;

    /// <summary><c>kill -9</c>: no shutdown, no goodbye to the cluster.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        const string Marker = "netns-policy service: gRPC ";
        if (line.StartsWith(Marker, StringComparison.Ordinal))
        {
            var address = line[Marker.Length..].Split(',', 2)[0].Trim();
            _listening.TrySetResult(new Uri(address));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
