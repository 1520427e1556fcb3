using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost;

/// <summary>A configured policy instance for one run, pinning the plugin versions it came from until disposed.</summary>
public sealed class PolicyLease : IDisposable
{
    private Action? _release;
    private ICleanupPolicy? _policy;

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

    public void Dispose()
    {
        Volatile.Write(ref _policy, null);
        Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
