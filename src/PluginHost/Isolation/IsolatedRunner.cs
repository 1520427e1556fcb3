using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>
/// Runs a whole simulation in a child process (<c>NetnsPolicy.Worker</c>) for untrusted plugins: CPU time limited by
/// <c>ulimit -t</c>, the managed heap by <c>DOTNET_GCHeapHardLimit</c>, wall time by a kill of the process tree.
/// Whatever the child does — hang, spin, exhaust memory, crash — the result is <c>policy-fault</c> with the reason,
/// and this process is untouched. Needs <c>/bin/sh</c> (Linux, macOS).
/// </summary>
public sealed class IsolatedRunner(IsolatedRunnerOptions? options = null)
{
    private const int ExitInvalidInput = 2;
    private const int SignalBase = 128;
    private readonly IsolatedRunnerOptions _options = options ?? new IsolatedRunnerOptions();

    /// <summary>
    /// Runs <paramref name="request"/> in a worker. Invalid input throws <see cref="InputValidationException"/> (as
    /// reported by the worker); every failure of the child is a <c>policy-fault</c> result.
    /// </summary>
    public async Task<RunResult> RunAsync(IsolatedRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!File.Exists(_options.WorkerAssembly))
        {
            throw new FileNotFoundException($"the worker assembly is missing: {_options.WorkerAssembly} (reference src/Worker from the host project)", _options.WorkerAssembly);
        }

        var input = JsonSerializer.Serialize(
            new WorkerRequest
            {
                Workload = WorkerRequest.WorkloadJson(request.Workload),
                KernelProfile = request.KernelProfile,
                Policy = request.Policy,
                Parameters = request.Parameters?.ToDictionary(),
                Seed = request.Seed,
                Replication = request.Replication,
                PluginsDirectory = Path.GetFullPath(_options.PluginsDirectory),
                DecisionCpuMs = _options.Containment.DecisionCpu.TotalMilliseconds,
                DecisionAllocatedBytes = _options.Containment.DecisionAllocatedBytes,
            },
            WorkerRequest.JsonOptions);

        using var process = new Process { StartInfo = StartInfo() };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The worker died before reading its input; its exit status says why.
        }

        using var wall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wall.CancelAfter(_options.WallTimeout);
        var killedForWallTime = false;
        try
        {
            await process.WaitForExitAsync(wall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            killedForWallTime = !cancellationToken.IsCancellationRequested;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (killedForWallTime)
        {
            return Fault(request, string.Create(CultureInfo.InvariantCulture, $"the isolated worker exceeded its wall-time limit of {_options.WallTimeout.TotalSeconds:0.###} s and was killed"));
        }

        return Interpret(request, process.ExitCode, output, errors);
    }

    private RunResult Interpret(IsolatedRunRequest request, int exitCode, string output, string errors)
    {
        if (exitCode == 0)
        {
            try
            {
                return RunResultJson.Deserialize(output);
            }
            catch (JsonException e)
            {
                return Fault(request, $"the isolated worker wrote no valid result ({e.Message}){Tail(errors)}");
            }
        }

        if (exitCode == ExitInvalidInput && TryInputErrors(output) is { } invalid)
        {
            throw new InputValidationException(invalid.Errors.Select(e => new FieldError(e.Field, e.Message)).ToList());
        }

        var outOfMemory = errors.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || errors.Contains("Out of memory", StringComparison.OrdinalIgnoreCase);
        var reason = (exitCode - SignalBase) switch
        {
            _ when outOfMemory => string.Create(CultureInfo.InvariantCulture, $"the isolated worker ran out of memory (heap limit {_options.MemoryLimitBytes / 1048576.0:0.#} MiB) and died"),
            24 => string.Create(CultureInfo.InvariantCulture, $"the isolated worker exceeded its CPU-time limit of {_options.CpuSeconds} s (SIGXCPU) and was killed"),
            9 => string.Create(CultureInfo.InvariantCulture, $"the isolated worker was killed (SIGKILL: CPU-time limit of {_options.CpuSeconds} s or the kernel's OOM killer)"),
            > 0 and < 64 and var signal => string.Create(CultureInfo.InvariantCulture, $"the isolated worker died on signal {signal}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"the isolated worker failed with exit code {exitCode}"),
        };
        return Fault(request, reason + Tail(errors));
    }

    private static WorkerInputErrors? TryInputErrors(string output)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkerInputErrors>(output, WorkerRequest.JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ProcessStartInfo StartInfo()
    {
        if (!File.Exists("/bin/sh"))
        {
            throw new PlatformNotSupportedException("the isolated mode needs /bin/sh to apply ulimit (Linux or macOS)");
        }

        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // ulimit applies to the shell, which then becomes the worker (exec): the limit is the worker's own.
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"ulimit -t {_options.CpuSeconds} && exec \"$0\" \"$@\""));
        info.ArgumentList.Add(DotnetHost());
        info.ArgumentList.Add(_options.WorkerAssembly);
        info.Environment["DOTNET_GCHeapHardLimit"] = _options.MemoryLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    private string DotnetHost()
    {
        if (_options.DotnetHost is { } configured)
        {
            return configured;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : throw new Win32Exception($"no dotnet host found at {candidate}; set {nameof(IsolatedRunnerOptions.DotnetHost)}");
    }

    private static string Tail(string errors)
    {
        var text = errors.Trim();
        return text.Length == 0 ? "" : ": " + (text.Length > 600 ? "…" + text[^600..] : text);
    }

    private static RunResult Fault(IsolatedRunRequest request, string detail) => new()
    {
        Status = RunStatus.PolicyFault,
        StatusDetail = detail,
        Workload = request.Workload.Name,
        KernelProfile = request.KernelProfile,
        Policy = request.Policy,
        Seed = request.Seed,
        Replication = request.Replication,
    };
}
