using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>
/// Runs whole simulations — and the probes that list a plugin's policies — in sandboxed worker processes
/// (<c>NetnsPolicy.Worker</c>): one process per request, never reused, so nothing a plugin leaves behind (threads,
/// statics, finalizers, files) outlives it. A pool of workers is started ahead and waits for its request, so the cost
/// per simulation is the hand-over, not the runtime's start (the pool fills at the first request). Thread-safe.
/// </summary>
/// <remarks>
/// Each worker runs under <see cref="SandboxLauncher"/>: as an unprivileged uid of its own, in its own user, mount,
/// PID, network, IPC and UTS namespaces (bubblewrap), seeing read-only only <c>/usr</c>, the runtime, the worker's
/// files and the plugins of its request, with rlimits on CPU time, address space, processes, file size and no core
/// dumps. Whatever it does, the host gets a result or a fault naming the cause.
/// </remarks>
public sealed class SandboxedWorkers : IDisposable
{
    private const int ExitInvalidInput = 2;
    private const int SignalBase = 128;
    private const int StderrTailBytes = 8192;
    private readonly ConcurrentQueue<WorkerProcess> _warm = new();
    private readonly SandboxLauncher _launcher;
    private readonly string _root;
    private int _disposed;
    private int _simulations;
    private int _busy;

    private SandboxedWorkers(SandboxOptions options, SandboxLauncher launcher, string root)
    {
        Options = options;
        _launcher = launcher;
        _root = root;
    }

    /// <summary>The limits workers run under.</summary>
    public SandboxOptions Options { get; }

    /// <summary>Workers started so far (warm ones included).</summary>
    public int WorkersStarted => _launcher.Started;

    /// <summary>Simulations handed to a worker so far (probes not counted).</summary>
    public int SimulationsStarted => Volatile.Read(ref _simulations);

    /// <summary>Workers executing a request now. Zero once every request has ended: a worker never outlives its request.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>
    /// Sets the sandbox up (checks that bubblewrap and user namespaces work here, prepares the worker's read-only
    /// view) and starts the warm workers. Returns null with <paramref name="reason"/> saying why when it cannot be set up.
    /// </summary>
    public static SandboxedWorkers? TryCreate(SandboxOptions? options, out string? reason)
    {
        options ??= new SandboxOptions();
        var root = Path.Combine(Path.GetTempPath(), "netns-policy-sandbox", $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        var launcher = SandboxLauncher.TryCreate(options, root, out reason);
        return launcher is null ? null : new SandboxedWorkers(options, launcher, root);
    }

    /// <summary>
    /// Runs one simulation in a worker. <paramref name="plugins"/> are the plugin folders the policy needs (name →
    /// folder), copied read-only into the worker's view. A worker that dies, overruns a limit or writes no valid result
    /// gives a <c>policy-fault</c> result with <see cref="SandboxRunResult.WorkerFailure"/> naming the cause; a result is
    /// checked against the request before it is returned. Invalid input throws <see cref="InputValidationException"/>;
    /// cancellation kills the worker and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<SandboxRunResult> RunAsync(WorkerRequest request, string workloadName, IReadOnlyDictionary<string, string> plugins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(plugins);
        Interlocked.Increment(ref _simulations);
        var outcome = await ExecuteAsync(request with { Mode = WorkerModes.Run, PluginsDirectory = SandboxLauncher.PluginsMount }, plugins, Options.WallTimeout, cancellationToken).ConfigureAwait(false);
        if (outcome.ExitCode == ExitInvalidInput && outcome.Failure is null && TryRead<WorkerInputErrors>(outcome.Stdout) is { } invalid)
        {
            throw new InputValidationException(invalid.Errors.Select(e => new FieldError(e.Field, e.Message)).ToList());
        }

        var failure = outcome.Failure ?? Describe(outcome, Options.WallTimeout);
        if (failure is null && outcome.Stdout.Length == 0)
        {
            failure = string.Create(CultureInfo.InvariantCulture, $"the sandboxed worker exited with code {outcome.ExitCode} without writing its result (Environment.Exit?)");
        }

        if (failure is null)
        {
            try
            {
                var result = RunResultJson.Deserialize(outcome.Stdout);
                failure = Mismatch(result, request, workloadName);
                if (failure is null)
                {
                    return new SandboxRunResult(result, null);
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
            {
                failure = $"the sandboxed worker wrote no valid result ({e.Message})";
            }
        }

        return new SandboxRunResult(
            new RunResult
            {
                Status = RunStatus.PolicyFault,
                StatusDetail = failure + Tail(outcome.Stderr),
                Workload = workloadName,
                KernelProfile = request.KernelProfile,
                Policy = request.Policy,
                Seed = request.Seed,
                Replication = request.Replication,
            },
            failure);
    }

    /// <summary>
    /// Loads the plugin folder <paramref name="folder"/> (named <paramref name="name"/>) in a worker — its constructors,
    /// static constructors and descriptors run there, never in this process — and returns what it reports. A worker
    /// that dies or overruns the probe's time throws <see cref="PluginLoadException"/> naming the cause.
    /// </summary>
    public WorkerProbeResult Probe(string name, string folder)
    {
        var request = new WorkerRequest { Mode = WorkerModes.Probe, PluginsDirectory = SandboxLauncher.PluginsMount };
        var outcome = ExecuteAsync(request, new Dictionary<string, string> { [name] = folder }, Options.ProbeTimeout, CancellationToken.None).GetAwaiter().GetResult();
        var failure = outcome.Failure ?? Describe(outcome, Options.ProbeTimeout);
        if (failure is null && TryRead<WorkerProbeResult>(outcome.Stdout) is { } probed)
        {
            return probed;
        }

        throw new PluginLoadException($"loading it in the sandbox failed: {failure ?? "the worker wrote no valid listing"}{Tail(outcome.Stderr)}");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_warm.TryDequeue(out var worker))
        {
            worker.Kill();
            worker.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<WorkerOutcome> ExecuteAsync(WorkerRequest request, IReadOnlyDictionary<string, string> plugins, TimeSpan wallTimeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var worker = _warm.TryDequeue(out var warm) ? warm : _launcher.Start();
        Interlocked.Increment(ref _busy);
        Replenish();
        using (worker)
        {
            try
            {
                foreach (var (name, folder) in plugins)
                {
                    worker.Stage(name, folder);
                }

                return await worker.ExecuteAsync(JsonSerializer.Serialize(request, WorkerRequest.JsonOptions), wallTimeout, Options.MaxResultBytes, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Whatever it started dies with it (its PID namespace goes with the sandbox's init).
                worker.Kill();
                worker.WaitForExit();
                Interlocked.Decrement(ref _busy);
            }
        }
    }

    // The pool fills at the first request, so a host that never meets an untrusted plugin starts no worker.
    private void Replenish()
    {
        try
        {
            while (Volatile.Read(ref _disposed) == 0 && _warm.Count < Options.WarmWorkers)
            {
                _warm.Enqueue(_launcher.Start());
            }
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // The next request starts its own worker (and reports the error if it persists).
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            while (_warm.TryDequeue(out var late))
            {
                late.Kill();
                late.Dispose();
            }
        }
    }

    /// <summary>Why the worker gave no usable output, or null when it exited normally.</summary>
    private string? Describe(WorkerOutcome outcome, TimeSpan wallTimeout)
    {
        if (outcome.TimedOut)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the sandboxed worker exceeded its wall-time limit of {wallTimeout.TotalSeconds:0.###} s and was killed");
        }

        if (outcome.ExitCode == 0)
        {
            return null;
        }

        var errors = outcome.Stderr;
        var signal = outcome.ExitCode > SignalBase && outcome.ExitCode < SignalBase + 65 ? outcome.ExitCode - SignalBase : 0;
        if (errors.Contains("Stack overflow", StringComparison.Ordinal))
        {
            return "the sandboxed worker died of a stack overflow";
        }

        if (errors.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || errors.Contains("Out of memory", StringComparison.OrdinalIgnoreCase))
        {
            return string.Create(CultureInfo.InvariantCulture, $"the sandboxed worker ran out of memory (heap limit {Options.HeapLimitBytes / 1048576.0:0.#} MiB) and died");
        }

        if (errors.Contains("FailFast", StringComparison.Ordinal) || errors.Contains("Process terminated", StringComparison.Ordinal))
        {
            return "the sandboxed worker was terminated by Environment.FailFast";
        }

        if (errors.Contains("AccessViolation", StringComparison.Ordinal) || signal == 11)
        {
            return "the sandboxed worker died of an access violation (SIGSEGV)";
        }

        if (signal == 24 || (signal == 9 && outcome.CpuSeconds >= Options.CpuSeconds))
        {
            return string.Create(CultureInfo.InvariantCulture, $"the sandboxed worker exceeded its CPU-time limit of {Options.CpuSeconds} s and was killed");
        }

        if (errors.Contains("Unhandled exception", StringComparison.Ordinal))
        {
            return "the sandboxed worker died of an unhandled exception (a finalizer or thread of the plugin threw)";
        }

        if (signal > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the sandboxed worker died on signal {signal} ({SignalName(signal)})");
        }

        return outcome.ExitCode == ExitInvalidInput
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"the sandboxed worker exited with code {outcome.ExitCode} without writing its result (Environment.Exit?)");
    }

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };

    // The worker is the plugin's process: its output is checked against what was asked before it is believed.
    private static string? Mismatch(RunResult result, WorkerRequest request, string workloadName)
    {
        string[] statuses = request.Budget is null
            ? [RunStatus.Ok, RunStatus.Oom, RunStatus.Stalled, RunStatus.PolicyFault, RunStatus.Cancelled]
            : [RunStatus.Ok, RunStatus.Oom, RunStatus.Stalled, RunStatus.PolicyFault, RunStatus.Cancelled, RunStatus.BudgetExceeded];
        var wrong = new List<string>();
        if (!statuses.Contains(result.Status, StringComparer.Ordinal))
        {
            wrong.Add($"status '{result.Status}'");
        }

        if (result.Workload != workloadName)
        {
            wrong.Add($"workload '{result.Workload}'");
        }

        if (result.Seed != request.Seed || result.Replication != request.Replication)
        {
            wrong.Add("seed or replication");
        }

        if (result.SchemaVersion != RunResult.CurrentSchemaVersion || result.EngineVersion != SimulationEngine.Version)
        {
            wrong.Add("schema or engine version");
        }

        return wrong.Count == 0 ? null : $"the sandboxed worker's result does not match its request ({string.Join(", ", wrong)})";
    }

    private static T? TryRead<T>(string json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, WorkerRequest.JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Tail(string errors)
    {
        var text = errors.Trim();
        return text.Length == 0 ? "" : ": " + (text.Length > 600 ? "…" + text[^600..] : text);
    }

    /// <summary>What a worker did: its exit, what it wrote (bounded) and whether it was killed for time.</summary>
    internal sealed record WorkerOutcome(int ExitCode, string Stdout, string Stderr, bool TimedOut, double CpuSeconds, string? Failure);

    /// <summary>One started worker: its process and the staging folder bound read-only at <c>/plugins</c> inside.</summary>
    internal sealed class WorkerProcess(Process process, string stage) : IDisposable
    {
        public void Stage(string name, string folder)
        {
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
            {
                throw new ArgumentException($"invalid plugin folder name '{name}'", nameof(name));
            }

            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(stage, name, Path.GetRelativePath(folder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }
        }

        public async Task<WorkerOutcome> ExecuteAsync(string input, TimeSpan wallTimeout, int maxOutput, CancellationToken cancellationToken)
        {
            var stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, maxOutput, keepTail: false);
            var stderr = ReadBoundedAsync(process.StandardError.BaseStream, StderrTailBytes, keepTail: true);
            try
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The worker died before reading its request; its exit says why.
            }

            using var wall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wall.CancelAfter(wallTimeout);
            var timedOut = false;
            try
            {
                await process.WaitForExitAsync(wall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }

            var (output, outputOverflow) = await stdout.ConfigureAwait(false);
            var (errors, _) = await stderr.ConfigureAwait(false);
            double cpu;
            try
            {
                cpu = process.TotalProcessorTime.TotalSeconds;
            }
            catch (InvalidOperationException)
            {
                cpu = 0;
            }

            var failure = outputOverflow ? $"the sandboxed worker wrote more than {maxOutput} bytes of output" : null;
            return new WorkerOutcome(process.ExitCode, output, errors, timedOut, cpu, failure);
        }

        public void Kill()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        public void WaitForExit()
        {
            try
            {
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }
        }

        public void Dispose()
        {
            process.Dispose();
            try
            {
                Directory.Delete(stage, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static async Task<(string Text, bool Overflow)> ReadBoundedAsync(Stream stream, int limit, bool keepTail)
        {
            var kept = new MemoryStream();
            var buffer = new byte[81920];
            var overflow = false;
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    if (kept.Length + read <= limit)
                    {
                        kept.Write(buffer, 0, read);
                    }
                    else if (keepTail)
                    {
                        var all = kept.ToArray().Concat(buffer.Take(read)).ToArray();
                        kept.SetLength(0);
                        kept.Write(all, Math.Max(0, all.Length - limit), Math.Min(all.Length, limit));
                    }
                    else
                    {
                        // Keep draining so the worker is not blocked on a full pipe; what it wrote is refused.
                        overflow = true;
                    }
                }
            }
            catch (IOException)
            {
            }

            return (Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length), overflow);
        }
    }
}

/// <summary>The result of a sandboxed simulation.</summary>
/// <param name="Result">The validated result, or a <c>policy-fault</c> one when the worker failed.</param>
/// <param name="WorkerFailure">Why the worker failed (crash, limit, invalid output), or null when it produced the result.</param>
public sealed record SandboxRunResult(RunResult Result, string? WorkerFailure);
