using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Tests.Catalog;

/// <summary>Overrides are read from the type: the methods it implements, not the interface's defaults.</summary>
[TestFixture]
public sealed class ImplementedOverridesTests
{
    [Test]
    public void Implemented_TwoDecisionsImplemented_ExactlyThosePoints()
    {
        Assert.That(PluginLoader.Implemented(typeof(TwoPoints)), Is.EqualTo(DecisionPoint.BatchAdmission | DecisionPoint.RtnlScope));
    }

    [Test]
    public void Implemented_OnlyDescriptorAndConfigure_NoPoint()
    {
        Assert.That(PluginLoader.Implemented(typeof(NoPoints)), Is.EqualTo(DecisionPoint.None));
    }

    [Test]
    public void Implemented_ShippedBatching_BatchAdmission()
    {
        using var folder = new PluginFolder();
        folder.Install("batching");
        using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = folder.Path, Watch = false });

        Assert.That(catalog.List().Single(p => p.Id == "batching").Overrides, Is.EqualTo(DecisionPoint.BatchAdmission));
    }

    private sealed class TwoPoints : ICleanupPolicy
    {
        public PolicyDescriptor Descriptor => new("two", new Version(1, 0, 0), "two", DecisionPoint.BatchAdmission | DecisionPoint.RtnlScope, []);

        public BatchAdmission AdmitBatch(in BatchAdmissionContext context) => context.KernelDefault;

        public RtnlScope ChooseRtnlScope(in RtnlContext context) => context.KernelDefault;
    }

    private sealed class NoPoints : ICleanupPolicy
    {
        public PolicyDescriptor Descriptor => new("none", new Version(1, 0, 0), "none", DecisionPoint.None, []);

        public void Configure(PolicyParameters parameters)
        {
        }
    }
}
