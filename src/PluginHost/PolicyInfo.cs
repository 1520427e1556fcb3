using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost;

/// <summary>A policy the catalog offers.</summary>
/// <param name="Id">Policy id.</param>
/// <param name="Version">The policy's version.</param>
/// <param name="Description">What it does.</param>
/// <param name="Overrides">Decision points it overrides.</param>
/// <param name="Parameters">Declared parameters.</param>
/// <param name="SdkMajor">SDK major version it was built against.</param>
/// <param name="AssemblyHash">SHA-256 (hex) of its assemblies; "builtin" for policies compiled into the host.</param>
/// <param name="Source">Where it came from: "builtin" or the plugin folder.</param>
public sealed record PolicyInfo(
    string Id,
    Version Version,
    string Description,
    DecisionPoint Overrides,
    IReadOnlyList<ParameterSpec> Parameters,
    int SdkMajor,
    string AssemblyHash,
    string Source)
{
    /// <summary>How it runs: <see cref="Catalog.PolicyTrust"/> (builtin, shipped, trusted, sandboxed, unsandboxed, in-process).</summary>
    public string Trust { get; init; } = Catalog.PolicyTrust.BuiltIn;

    /// <summary>Why it is quarantined (its runs kept crashing or overrunning their limits), or null.</summary>
    public string? Quarantined { get; init; }
}
