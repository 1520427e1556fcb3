using NetnsPolicy.Simulation.Metrics;

namespace NetnsPolicy.PluginHost.Isolation;

/// <summary>
/// Runs a whole simulation of a plugins folder's policy in a sandboxed worker (<see cref="SandboxedWorkers"/>): every
/// plugin folder is staged read-only into the worker's view. Whatever the child does — hang, spin, exhaust memory,
/// crash — the result is <c>policy-fault</c> with the reason, and this process is untouched.
/// </summary>
public sealed class IsolatedRunner(IsolatedRunnerOptions? options = null) : IDisposable
{
    private readonly IsolatedRunnerOptions _options = options ?? new IsolatedRunnerOptions();
    private readonly Lazy<SandboxedWorkers> _workers = new(() => Create(options ?? new IsolatedRunnerOptions()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Runs <paramref name="request"/> in a worker. Invalid input throws <see cref="Simulation.InputValidationException"/>
    /// (as reported by the worker); every failure of the child is a <c>policy-fault</c> result. Throws
    /// <see cref="PlatformNotSupportedException"/> when the sandbox cannot be set up here, saying why.
    /// </summary>
    public async Task<RunResult> RunAsync(IsolatedRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plugins = Directory.Exists(_options.PluginsDirectory)
            ? Directory.GetDirectories(_options.PluginsDirectory).ToDictionary(d => Path.GetFileName(d), d => d, StringComparer.Ordinal)
            : [];
        var input = new WorkerRequest
        {
            Workload = WorkerRequest.WorkloadJson(request.Workload),
            KernelProfile = request.KernelProfile,
            Policy = request.Policy,
            Parameters = request.Parameters?.ToDictionary(),
            Seed = request.Seed,
            Replication = request.Replication,
            PluginsDirectory = SandboxLauncher.PluginsMount,
            DecisionCpuMs = _options.Containment.DecisionCpu.TotalMilliseconds,
            DecisionAllocatedBytes = _options.Containment.DecisionAllocatedBytes,
        };
        var outcome = await _workers.Value.RunAsync(input, request.Workload.Name, plugins, cancellationToken).ConfigureAwait(false);
        return outcome.Result;
    }

    public void Dispose()
    {
        if (_workers.IsValueCreated)
        {
            _workers.Value.Dispose();
        }
    }

    private static SandboxedWorkers Create(IsolatedRunnerOptions options)
    {
        if (!File.Exists(options.WorkerAssembly))
        {
            throw new FileNotFoundException($"the worker assembly is missing: {options.WorkerAssembly} (reference src/Worker from the host project)", options.WorkerAssembly);
        }

        return SandboxedWorkers.TryCreate(options.ToSandboxOptions(), out var reason)
            ?? throw new PlatformNotSupportedException("the sandbox cannot be set up here: " + reason);
    }
}
