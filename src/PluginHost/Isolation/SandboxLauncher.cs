using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>
/// Starts sandboxed worker processes: <c>prlimit</c> (CPU, address space, processes, file size, no core) →
/// <c>setpriv</c> (an unprivileged uid of the worker's own, when the host is root) → <c>bwrap</c> (new user, mount,
/// PID, network, IPC, UTS and cgroup namespaces; no network but a loopback of its own; read-only <c>/usr</c>, the
/// runtime, the worker's files at <c>/worker</c> and its staging folder at <c>/plugins</c>; a small private
/// <c>/tmp</c>; a clean environment; killed with its parent) → <c>dotnet /worker/NetnsPolicy.Worker.dll</c>.
/// </summary>
internal sealed partial class SandboxLauncher
{
    /// <summary>Where a worker sees the plugins of its request.</summary>
    public const string PluginsMount = "/plugins";

    private const string WorkerMount = "/worker";
    private static readonly UnixFileMode ReadableDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly SandboxOptions _options;
    private readonly string _root;
    private readonly string _runtimeView;
    private readonly string _dotnet;
    private readonly string _bwrap;
    private readonly bool _switchUser;
    private int _started;

    private SandboxLauncher(SandboxOptions options, string root, string runtimeView, string dotnet, string bwrap, bool switchUser)
    {
        _options = options;
        _root = root;
        _runtimeView = runtimeView;
        _dotnet = dotnet;
        _bwrap = bwrap;
        _switchUser = switchUser;
    }

    public int Started => Volatile.Read(ref _started);

    public static SandboxLauncher? TryCreate(SandboxOptions options, string root, out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            reason = "the sandbox needs Linux (bubblewrap and user namespaces)";
            return null;
        }

        if (!File.Exists(options.WorkerAssembly))
        {
            reason = $"the worker assembly is missing: {options.WorkerAssembly}";
            return null;
        }

        var bwrap = options.Namespaces ? FindOnPath("bwrap") : "";
        if (bwrap is null)
        {
            reason = "bubblewrap (bwrap) is not installed (scripts/deps/bubblewrap.sh installs it)";
            return null;
        }

        if (FindOnPath("prlimit") is null || FindOnPath("setpriv") is null)
        {
            reason = "prlimit and setpriv (util-linux) are needed to apply the worker's limits";
            return null;
        }

        string dotnet;
        try
        {
            dotnet = DotnetHost(options);
        }
        catch (Win32Exception e)
        {
            reason = e.Message;
            return null;
        }

        var switchUser = Environment.UserName == "root" || geteuid() == 0;
        var runtimeView = Path.Combine(root, "runtime");
        try
        {
            CreateReadable(root);
            CreateReadable(runtimeView);
            foreach (var file in WorkerFiles(options.WorkerAssembly))
            {
                File.Copy(file, Path.Combine(runtimeView, Path.GetFileName(file)), overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            reason = $"the worker's files could not be prepared ({e.Message})";
            return null;
        }

        var launcher = new SandboxLauncher(options, root, runtimeView, dotnet, bwrap, switchUser);
        if (options.Namespaces && launcher.Trial() is { } problem)
        {
            reason = $"user namespaces are not usable here ({problem})";
            return null;
        }

        return launcher;
    }

    /// <summary>Starts one worker, waiting for its request on stdin (it loads the runtime and warms up meanwhile).</summary>
    public SandboxedWorkers.WorkerProcess Start()
    {
        var id = Interlocked.Increment(ref _started);
        var stage = Path.Combine(_root, "w" + id.ToString(CultureInfo.InvariantCulture));
        CreateReadable(stage);
        var uid = _options.FirstUid + (id % _options.UidCount);
        var info = StartInfo(uid, stage, [_dotnet, $"{WorkerMount}/{Path.GetFileName(_options.WorkerAssembly)}"]);
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new SandboxedWorkers.WorkerProcess(process, stage);
    }

    private ProcessStartInfo StartInfo(int uid, string stage, IReadOnlyList<string> command)
    {
        var info = new ProcessStartInfo(FindOnPath("prlimit")!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var args = info.ArgumentList;
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        args.Add($"--cpu={I(_options.CpuSeconds)}:{I(_options.CpuSeconds + 1)}");
        args.Add($"--as={I(_options.AddressSpaceBytes)}");
        args.Add($"--fsize={I(_options.MaxFileBytes)}");
        args.Add("--core=0");
        if (_switchUser)
        {
            // RLIMIT_NPROC counts the processes of the real uid: meaningful only for a uid of the worker's own.
            args.Add($"--nproc={I(_options.MaxProcesses)}");
        }

        args.Add("--");
        if (_switchUser)
        {
            args.Add(FindOnPath("setpriv")!);
            args.Add($"--reuid={I(uid)}");
            args.Add($"--regid={I(uid)}");
            args.Add("--clear-groups");
            args.Add("--inh-caps=-all");
            args.Add("--");
        }

        var heap = _options.HeapLimitBytes;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_GCHeapHardLimit"] = "0x" + heap.ToString("X", CultureInfo.InvariantCulture),
            ["DOTNET_GCRegionRange"] = "0x" + (heap * 3 / 2).ToString("X", CultureInfo.InvariantCulture),
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_EnableWriteXorExecute"] = "0",
            ["DOTNET_EnableDiagnostics"] = "0",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_DbgEnableMiniDump"] = "0",
        };
        if (_options.Namespaces)
        {
            args.Add(_bwrap);
            args.Add("--unshare-all");
            args.Add("--die-with-parent");
            args.Add("--new-session");
            args.Add("--clearenv");
            args.Add("--hostname");
            args.Add("sandbox");
            foreach (var (name, value) in env)
            {
                args.Add("--setenv");
                args.Add(name);
                args.Add(value);
            }

            args.Add("--ro-bind");
            args.Add("/usr");
            args.Add("/usr");
            foreach (var top in new[] { "/bin", "/sbin", "/lib", "/lib32", "/lib64" })
            {
                var link = new FileInfo(top).LinkTarget;
                if (link is not null)
                {
                    args.Add("--symlink");
                    args.Add(link);
                    args.Add(top);
                }
                else if (Directory.Exists(top))
                {
                    args.Add("--ro-bind");
                    args.Add(top);
                    args.Add(top);
                }
            }

            var dotnetRoot = Path.GetDirectoryName(_dotnet)!;
            if (!dotnetRoot.StartsWith("/usr/", StringComparison.Ordinal))
            {
                args.Add("--ro-bind");
                args.Add(dotnetRoot);
                args.Add(dotnetRoot);
            }

            args.Add("--ro-bind");
            args.Add(_runtimeView);
            args.Add(WorkerMount);
            args.Add("--ro-bind");
            args.Add(stage);
            args.Add(PluginsMount);
            args.Add("--proc");
            args.Add("/proc");
            args.Add("--dev");
            args.Add("/dev");
            args.Add("--size");
            args.Add(I(_options.TmpBytes));
            args.Add("--tmpfs");
            args.Add("/tmp");
            args.Add("--chdir");
            args.Add("/tmp");
            args.Add("--");
        }
        else
        {
            info.Environment.Clear();
            foreach (var (name, value) in env)
            {
                info.Environment[name] = value;
            }

            info.Environment["PATH"] = "/usr/bin:/bin";
            info.WorkingDirectory = stage;
        }

        foreach (var part in command)
        {
            args.Add(_options.Namespaces ? part : part.Replace(WorkerMount, _runtimeView, StringComparison.Ordinal));
        }

        if (!_options.Namespaces)
        {
            info.Environment["NETNS_POLICY_PLUGINS"] = stage;
        }

        return info;
    }

    // A sandbox that cannot start a shell cannot start a worker: say why once, at start-up.
    private string? Trial()
    {
        var stage = Path.Combine(_root, "trial");
        CreateReadable(stage);
        var info = StartInfo(_options.FirstUid, stage, ["/bin/sh", "-c", "exit 0"]);
        try
        {
            using var process = Process.Start(info)!;
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return "a trial sandbox did not exit within 30 s";
            }

            return process.ExitCode == 0 ? null : $"a trial sandbox failed with exit code {process.ExitCode}: {errors.GetAwaiter().GetResult().Trim()}";
        }
        catch (Win32Exception e)
        {
            return e.Message;
        }
        finally
        {
            Directory.Delete(stage, recursive: true);
        }
    }

    /// <summary>The worker assembly, its runtimeconfig and deps files, and every runtime assembly its deps.json names.</summary>
    private static IEnumerable<string> WorkerFiles(string workerAssembly)
    {
        var directory = Path.GetDirectoryName(workerAssembly)!;
        var name = Path.GetFileNameWithoutExtension(workerAssembly);
        var deps = Path.Combine(directory, name + ".deps.json");
        yield return workerAssembly;
        yield return Path.Combine(directory, name + ".runtimeconfig.json");
        yield return deps;
        using var document = JsonDocument.Parse(File.ReadAllText(deps));
        var seen = new HashSet<string>(StringComparer.Ordinal) { Path.GetFileName(workerAssembly) };
        foreach (var target in document.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (!library.Value.TryGetProperty("runtime", out var runtime))
                {
                    continue;
                }

                foreach (var file in runtime.EnumerateObject())
                {
                    var path = Path.Combine(directory, Path.GetFileName(file.Name));
                    if (seen.Add(Path.GetFileName(file.Name)) && File.Exists(path))
                    {
                        yield return path;
                    }
                }
            }
        }
    }

    // Workers run as other uids: what they must read is world-readable, never writable by them.
    private static void CreateReadable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, ReadableDirectory);
        }
    }

    private static string? FindOnPath(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/sbin")
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    internal static string DotnetHost(SandboxOptions options)
    {
        if (options.DotnetHost is { } configured)
        {
            return configured;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return Path.GetFullPath(new FileInfo(self).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? self);
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : throw new Win32Exception($"no dotnet host found at {candidate}; set {nameof(SandboxOptions.DotnetHost)}");
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
