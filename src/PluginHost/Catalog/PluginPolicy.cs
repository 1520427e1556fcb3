using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// A plugin policy for one run. The plugin's instance is created on the first call, so its constructor runs on the
/// run's thread under the guard (budget, watchdog) rather than in <c>Acquire</c>. The descriptor is the host's copy
/// taken when the plugin was loaded.
/// </summary>
internal sealed class PluginPolicy(PolicyDescriptor descriptor, Type type) : ICleanupPolicy
{
    private ICleanupPolicy? _instance;

    public PolicyDescriptor Descriptor { get; } = descriptor;

    private ICleanupPolicy Instance => _instance ??= (ICleanupPolicy)Activator.CreateInstance(type)!;

    public void Configure(PolicyParameters parameters) => Instance.Configure(parameters);

    public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => Instance.AdmitBatch(in context);

    public LockScope ChooseLockScope(in LockScopeContext context) => Instance.ChooseLockScope(in context);

    public UeventEmission ChooseUeventEmission(in UeventContext context) => Instance.ChooseUeventEmission(in context);

    public UeventDelivery ChooseUeventDelivery(in UeventContext context) => Instance.ChooseUeventDelivery(in context);

    public GracePeriodMode ChooseGracePeriod(in GracePeriodContext context) => Instance.ChooseGracePeriod(in context);

    public UnregisterGrouping ChooseUnregisterGrouping(in UnregisterContext context) => Instance.ChooseUnregisterGrouping(in context);

    public RtnlScope ChooseRtnlScope(in RtnlContext context) => Instance.ChooseRtnlScope(in context);
}
