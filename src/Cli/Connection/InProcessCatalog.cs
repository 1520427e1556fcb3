using NetnsPolicy.PluginHost.Catalog;

namespace NetnsPolicy.Cli.Connection;

/// <summary>
/// The plugin catalog of the commands that run a policy in the CLI's own process (<c>simulate</c>,
/// <c>tournament --shard</c>): the same trust rules as the service (docs/plugins.md, "Trust") without its sandbox, so
/// the built-in and shipped policies run and every other plugin is refused at load — never loaded here — unless the
/// user names it in <see cref="TrustedVariable"/>. Untrusted plugins run sandboxed through the service: <c>compare</c>
/// and <c>tournament</c> (embedded or remote).
/// </summary>
internal static class InProcessCatalog
{
    /// <summary>Comma-separated plugins (folder names, policy ids or <c>sha256:HEX</c>) the user trusts to run in this process.</summary>
    public const string TrustedVariable = "NETNS_POLICY_TRUSTED_PLUGINS";

    public static PluginCatalog Open(string? pluginsDirectory) => new(new PluginCatalogOptions
    {
        PluginsDirectory = pluginsDirectory ?? PluginCatalogOptions.DefaultPluginsDirectory,
        Watch = false,
        ScanOnFirstUse = true,
        Trust = new PluginTrustOptions
        {
            Sandbox = null,
            SandboxUnavailableReason = "this command runs the policy in the CLI's own process; untrusted plugins run sandboxed through " +
                "`compare` or `tournament` without --shard, or trust it here with $" + TrustedVariable,
            Trusted = (Environment.GetEnvironmentVariable(TrustedVariable) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        },
    });
}
