using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost;

/// <summary>A configured policy instance for one run, pinning the plugin versions it came from until disposed.</summary>
public sealed class PolicyLease : IDisposable
{
    private Action? _release;
    private ICleanupPolicy? _policy;
    private Action<string>? _failureSink;

    public PolicyLease(ICleanupPolicy policy, PolicyParameters parameters, string policyId, string assemblyHash, Action? release = null)
    {
        _policy = policy;
        Parameters = parameters;
        PolicyId = policyId;
        AssemblyHash = assemblyHash;
        _release = release;
    }

    /// <summary>
    /// The instance (a stack for a composed spec). A disposed lease lets go of it, so a lease object kept around does not
    /// pin an unloaded plugin version.
    /// </summary>
    public ICleanupPolicy Policy => Volatile.Read(ref _policy) ?? throw new ObjectDisposedException(nameof(PolicyLease));

    /// <summary>Its bound parameters.</summary>
    public PolicyParameters Parameters { get; }

    /// <summary>Canonical id of the spec (e.g. <c>uevent-skip+batching</c>).</summary>
    public string PolicyId { get; }

    /// <summary>Hash of every assembly involved, recorded in results and used in result identities.</summary>
    public string AssemblyHash { get; }

    /// <summary>The policies the spec resolved to (one, or each member of a stack), with their versions and hashes.</summary>
    public IReadOnlyList<PolicyInfo> Components { get; init; } = [];

    /// <summary>
    /// Whether a member is an untrusted plugin: then the whole simulation runs in a sandboxed worker given
    /// <see cref="PluginFolders"/>, and <see cref="Policy"/> refuses every decision in this process.
    /// </summary>
    public bool RequiresSandbox { get; init; }

    /// <summary>The plugin folders the spec's members come from (folder name → the files this lease pinned), for a worker.</summary>
    public IReadOnlyDictionary<string, string> PluginFolders { get; init; } = new Dictionary<string, string>();

    // Points at the catalog's plugin versions: let go on Dispose, like the policy, so a kept lease pins nothing.
    internal Action<string>? FailureSink
    {
        get => Volatile.Read(ref _failureSink);
        init => _failureSink = value;
    }

    /// <summary>
    /// Reports that the run's sandboxed worker crashed, overran a limit or wrote an invalid result; after a few such
    /// failures the plugin version is quarantined (listed with the reason, refused until its files change).
    /// </summary>
    public void ReportSandboxFailure(string reason) => FailureSink?.Invoke(reason);

    public void Dispose()
    {
        Volatile.Write(ref _policy, null);
        Volatile.Write(ref _failureSink, null);
        Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
