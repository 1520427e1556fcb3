using NetnsPolicy.PluginHost.Composition;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// A plugin policy for one run. The plugin's instance is created on the first call, so its constructor runs on the
/// run's thread under the guard (budget, watchdog) rather than in <c>Acquire</c>. The descriptor is the host's copy
/// taken when the plugin was loaded.
/// </summary>
internal sealed class PluginPolicy(PolicyDescriptor descriptor, Type type) : DispatchingPolicy
{
    private ICleanupPolicy? _instance;

    public override PolicyDescriptor Descriptor { get; } = descriptor;

    private ICleanupPolicy Instance => _instance ??= (ICleanupPolicy)Activator.CreateInstance(type)!;

    public override void Configure(PolicyParameters parameters) => Instance.Configure(parameters);

    protected override TResult Dispatch<TContext, TResult>(Decision<TContext, TResult> decision, in TContext context) => decision.Call(Instance, in context);
}
