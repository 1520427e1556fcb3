using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// Stands in the host for a policy of an untrusted plugin: it has the descriptor the sandbox reported (for parameters
/// and stacks) and refuses every decision, because the plugin's code runs only in a sandboxed worker.
/// </summary>
internal sealed class SandboxedPolicy(PolicyDescriptor descriptor) : ICleanupPolicy
{
    public PolicyDescriptor Descriptor { get; } = descriptor;

    public void Configure(PolicyParameters parameters) => throw Refused();

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => throw Refused();

    public LockScope ChooseLockScope(in LockScopeContext context) => throw Refused();

    public UeventEmission ChooseUeventEmission(in UeventContext context) => throw Refused();

    public UeventDelivery ChooseUeventDelivery(in UeventContext context) => throw Refused();

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => throw Refused();

    public UnregisterGrouping ChooseUnregisterGrouping(in UnregisterContext context) => throw Refused();

    public RtnlScope ChooseRtnlScope(in RtnlContext context) => throw Refused();

    private PolicyContainmentException Refused() =>
        new($"policy '{Descriptor.Id}' is an untrusted plugin: it runs only in a sandboxed worker, never in this process (run it through the service, or mark it trusted)");
}
