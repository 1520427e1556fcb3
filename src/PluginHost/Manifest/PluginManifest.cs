using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Manifest;

/// <summary>A validated <c>plugin.json</c> (format in docs/plugins.md).</summary>
/// <param name="Id">The plugin's id (kebab-case), unique among plugin folders.</param>
/// <param name="Version">The plugin's version.</param>
/// <param name="SdkVersion">The NetnsPolicy.Sdk version it was built against; its major must equal the host's.</param>
/// <param name="Assembly">File name of the assembly holding the entry types, relative to the plugin folder.</param>
/// <param name="Policies">The policies it provides.</param>
public sealed record PluginManifest(string Id, Version Version, Version SdkVersion, string Assembly, IReadOnlyList<ManifestPolicy> Policies);

/// <summary>One policy of a plugin.</summary>
/// <param name="Id">Policy id offered by the catalog; must equal the entry type's <see cref="PolicyDescriptor.Id"/>.</param>
/// <param name="EntryType">Full name of the type implementing <see cref="ICleanupPolicy"/> (public, parameterless constructor).</param>
/// <param name="Overrides">The decision points it overrides; must equal its descriptor's.</param>
public sealed record ManifestPolicy(string Id, string EntryType, DecisionPoint Overrides);
