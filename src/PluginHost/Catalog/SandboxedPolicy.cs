using NetnsPolicy.PluginHost.Composition;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// Stands in the host for a policy of an untrusted plugin: it has the descriptor the sandbox reported (for parameters
/// and stacks) and refuses every decision, because the plugin's code runs only in a sandboxed worker.
/// </summary>
internal sealed class SandboxedPolicy(PolicyDescriptor descriptor) : DispatchingPolicy
{
    public override PolicyDescriptor Descriptor { get; } = descriptor;

    public override void Configure(PolicyParameters parameters) => throw Refused();

    protected override TResult Dispatch<TContext, TResult>(Decision<TContext, TResult> decision, in TContext context) => throw Refused();

    private PolicyContainmentException Refused() =>
        new($"policy '{Descriptor.Id}' is an untrusted plugin: it runs only in a sandboxed worker, never in this process (run it through the service, or mark it trusted)");
}
