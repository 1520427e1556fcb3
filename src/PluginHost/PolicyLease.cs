using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost;

/// <summary>A configured policy instance for one run, pinning the plugin versions it came from until disposed.</summary>
public sealed class PolicyLease : IDisposable
{
    private Action? _release;

    public PolicyLease(ICleanupPolicy policy, PolicyParameters parameters, string policyId, string assemblyHash, Action? release = null)
    {
        Policy = policy;
        Parameters = parameters;
        PolicyId = policyId;
        AssemblyHash = assemblyHash;
        _release = release;
    }

    /// <summary>The instance (a stack for a composed spec).</summary>
    public ICleanupPolicy Policy { get; }

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
        Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
