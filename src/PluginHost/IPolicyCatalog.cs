namespace NetnsPolicy.PluginHost;

/// <summary>
/// The policies a host can run: the built-in <c>upstream</c> plus every loaded plugin. Shared by the service and the
/// CLI. Implementations are thread-safe.
/// </summary>
public interface IPolicyCatalog
{
    /// <summary>Every policy currently available, ordered by id.</summary>
    IReadOnlyList<PolicyInfo> List();

    /// <summary>
    /// Resolves a policy spec — one id (<c>batching</c>) or a stack (<c>uevent-skip+rcu-overlap+batching</c>, optionally
    /// with <c>!id</c> marking the winner of a conflict) — binds its parameters (names may be qualified
    /// <c>batching.batch_size</c> in a stack) and returns a fresh instance for one run, guarded by the per-decision budget; the
    /// engine configures it with <see cref="PolicyLease.Parameters"/>. Throws
    /// <see cref="Simulation.InputValidationException"/> naming the field (<c>policy</c> or <c>parameters.NAME</c>) for an
    /// unknown policy, a conflict, or a bad parameter. Dispose the lease when the run ends: the plugin version it
    /// pinned may then unload.
    /// </summary>
    PolicyLease Acquire(string policySpec, IReadOnlyDictionary<string, string>? parameters);
}
