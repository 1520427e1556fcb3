using NetnsPolicy.PluginHost.Isolation;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// Which plugins may run in the host's own process (docs/plugins.md, "Trust"): the shipped policies, pinned by the
/// SHA-256 of their assemblies at build time, and the plugins the operator names in <see cref="Trusted"/>. Every other
/// plugin is loaded, probed and run only in the <see cref="Sandbox"/>; where there is none, it is refused with
/// <see cref="SandboxUnavailableReason"/>, unless the operator opts it out of the sandbox by name in
/// <see cref="Unsandboxed"/>.
/// </summary>
public sealed record PluginTrustOptions
{
    /// <summary>The sandboxed workers untrusted plugins run in; null when the sandbox cannot be set up here.</summary>
    public SandboxedWorkers? Sandbox { get; init; }

    /// <summary>Why there is no sandbox (said in the refusal of each untrusted plugin).</summary>
    public string SandboxUnavailableReason { get; init; } = "no sandbox was configured";

    /// <summary>Plugins trusted to run in-process: plugin folder names, policy ids or assembly hashes (<c>sha256:HEX</c> or HEX).</summary>
    public IReadOnlyCollection<string> Trusted { get; init; } = [];

    /// <summary>Where the sandbox cannot be set up: plugins (folder names or policy ids) run in-process anyway, at the operator's word.</summary>
    public IReadOnlyCollection<string> Unsandboxed { get; init; } = [];

    /// <summary>SHA-256 (hex) of each shipped policy assembly, fixed at build time: a plugin made only of these is trusted.</summary>
    public IReadOnlyCollection<string> PinnedAssemblyHashes { get; init; } = ShippedPolicyHashes.All;

    /// <summary>Failed sandboxed runs (crash, limit, invalid output) after which a plugin version is quarantined.</summary>
    public int QuarantineAfterFailures { get; init; } = 3;
}

/// <summary>How a policy runs.</summary>
public static class PolicyTrust
{
    /// <summary>Compiled into the host.</summary>
    public const string BuiltIn = "builtin";

    /// <summary>A shipped policy, identified by its pinned assembly hashes: runs in-process.</summary>
    public const string Shipped = "shipped";

    /// <summary>Trusted by the operator's configuration: runs in-process.</summary>
    public const string Trusted = "trusted";

    /// <summary>Untrusted: loaded, probed and run only in a sandboxed worker.</summary>
    public const string Sandboxed = "sandboxed";

    /// <summary>Untrusted, but the operator opted it out of the sandbox (which this host cannot set up): runs in-process.</summary>
    public const string Unsandboxed = "unsandboxed";

    /// <summary>Loaded by a catalog without trust rules (inside a worker, or a test): runs in-process.</summary>
    public const string InProcess = "in-process";
}
