using System.Text.Json.Nodes;
using NetnsPolicy.PluginHost.Catalog;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.PluginHost.Tests.Catalog;

[TestFixture]
public sealed class PluginCatalogTests
{
    private PluginFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new PluginFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public void List_ShippedPlugins_OffersEveryPolicyWithItsAssemblyHash()
    {
        using var catalog = CatalogAssert.Open(PluginFolder.Shipped);

        var list = catalog.List();

        Assert.That(catalog.Problems, Is.Empty);
        Assert.That(list.Select(p => p.Id), Is.EqualTo(new[] { "adaptive", "batching", "rcu-overlap", "rwsem", "uevent-skip", "upstream" }));
        Assert.That(list.Where(p => p.Id != "upstream").Select(p => p.AssemblyHash), Has.All.Match("^[0-9a-f]{64}$"));
        Assert.That(list.Single(p => p.Id == "batching").Parameters.Single().Name, Is.EqualTo("batch_size"));
        Assert.That(list.Single(p => p.Id == "batching").Overrides, Is.EqualTo(DecisionPoint.BatchAdmission));
    }

    [Test]
    public void Load_ManifestWithAnotherSdkMajor_RefusedSayingWhichMajorIsNeeded()
    {
        var folder = _folder.InstallWithManifest("misbehaving", "future", m => m["sdk_version"] = "3.0.0");
        using var catalog = CatalogAssert.Open(_folder.Path);

        var problem = CatalogAssert.ProblemFor(catalog, folder);

        Assert.That(problem, Does.Contain("sdk_version 3.0.0").And.Contain("NetnsPolicy.Sdk 2.x"));
        Assert.That(catalog.List().Select(p => p.Id), Is.EqualTo(new[] { "upstream" }));
    }

    [Test]
    public void Load_ManifestWithALaterSdkMinor_RefusedAsNewerThanTheHost()
    {
        var later = $"{SdkInfo.Major}.{SdkInfo.Version.Minor + 1}.0";
        var folder = _folder.InstallWithManifest("misbehaving", "later", m => m["sdk_version"] = later);
        using var catalog = CatalogAssert.Open(_folder.Path);

        var problem = CatalogAssert.ProblemFor(catalog, folder);

        Assert.That(problem, Does.Contain($"sdk_version {later}").And.Contain("newer SDK minor version"));
        Assert.That(catalog.List().Select(p => p.Id), Is.EqualTo(new[] { "upstream" }));
    }

    [Test]
    public void Load_NoManifest_RefusedAskingForOne()
    {
        var folder = _folder.Install("misbehaving", "bare");
        File.Delete(Path.Combine(folder, "plugin.json"));
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.StartWith("no plugin.json"));
    }

    [Test]
    public void Load_ManifestNotJson_RefusedAsMalformed()
    {
        var folder = _folder.Install("misbehaving", "broken");
        File.WriteAllText(Path.Combine(folder, "plugin.json"), "{ \"id\": \"broken\", ");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.StartWith("plugin.json is malformed"));
    }

    [Test]
    public void Load_ManifestWithInvalidFields_RefusedNamingEachField()
    {
        var folder = _folder.InstallWithManifest("misbehaving", "invalid", m =>
        {
            m["id"] = "Not_Kebab";
            m["policies"]![0]!["overrides"] = new JsonArray("batch_admission", "time_travel");
            m.Remove("version");
        });
        using var catalog = CatalogAssert.Open(_folder.Path);

        var problem = CatalogAssert.ProblemFor(catalog, folder);

        Assert.That(problem, Does.Contain("id: required, kebab-case").And.Contain("'Not_Kebab'"));
        Assert.That(problem, Does.Contain("version: required"));
        Assert.That(problem, Does.Contain("policies[0].overrides: unknown decision point 'time_travel'"));
    }

    [Test]
    public void Load_ManifestWithUnknownField_Refused()
    {
        var folder = _folder.InstallWithManifest("misbehaving", "extra", m => m["entry"] = "x");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.StartWith("plugin.json is malformed").And.Contain("entry"));
    }

    [Test]
    public void Load_AssemblyFileIsNotAnAssembly_RefusedAsNotAnAssembly()
    {
        var folder = _folder.Install("misbehaving", "garbage");
        File.WriteAllText(Path.Combine(folder, "NetnsPolicy.TestPlugins.Misbehaving.dll"), "this is a text file, not a PE image");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.StartWith("NetnsPolicy.TestPlugins.Misbehaving.dll is not a .NET assembly"));
    }

    [Test]
    public void Load_TwoPluginsWithOneId_BothRefusedNamingBoth()
    {
        var first = _folder.Install("batching", "batching-a");
        var second = _folder.Install("batching", "batching-b");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, first), Does.Contain("policy id 'batching' is declared by batching-a and batching-b"));
        Assert.That(CatalogAssert.ProblemFor(catalog, second), Does.Contain("ids must be unique"));
        Assert.That(catalog.List().Select(p => p.Id), Does.Not.Contain("batching"));
    }

    [Test]
    public void Load_PluginClaimingTheBuiltInId_Refused()
    {
        var folder = _folder.InstallWithManifest("misbehaving", "impostor", m => m["policies"] = new JsonArray(
            new JsonObject { ["id"] = "upstream", ["entry_type"] = "NetnsPolicy.TestPlugins.Misbehaving.ThrowingPolicy", ["overrides"] = new JsonArray("batch_admission") }));
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.Contain("descriptor's id is 'throws' but the manifest declares 'upstream'"));
    }

    [Test]
    public void Load_EntryTypeNotImplementingTheSdk_Refused()
    {
        var folder = _folder.InstallWithManifest("misbehaving", "not-a-policy", m => m["policies"] = new JsonArray(
            new JsonObject { ["id"] = "not-a-policy", ["entry_type"] = "NetnsPolicy.TestPlugins.Misbehaving.NotAPolicy", ["overrides"] = new JsonArray("batch_admission") }));
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.Contain("'NetnsPolicy.TestPlugins.Misbehaving.NotAPolicy' does not implement NetnsPolicy.Sdk.ICleanupPolicy"));
    }

    [Test]
    public void Load_ManifestOverridesDifferFromDescriptor_Refused()
    {
        var folder = _folder.InstallWithManifest("batching", "lying", m => m["policies"]![0]!["overrides"] = new JsonArray("batch_admission", "lock_scope"));
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder), Does.Contain("its descriptor overrides [batch_admission] but the manifest declares [batch_admission, lock_scope]"));
    }

    [Test]
    public void Load_WallClockPolicy_RefusedByTheStaticCheckNamingDateTimeNow()
    {
        var folder = _folder.Install("wall-clock");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder),
            Does.Contain("refused by the static check").And.Contain("NetnsPolicy.TestPlugins.WallClock.WallClockPolicy.AdmitBatch uses System.DateTime.get_Now (the wall clock)"));
    }

    [Test]
    public void Load_FileIoPolicy_RefusedByTheStaticCheckNamingFileExists()
    {
        var folder = _folder.Install("file-io");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, folder),
            Does.Contain("NetnsPolicy.TestPlugins.FileIo.FileIoPolicy.AdmitBatch uses System.IO.File.Exists (file I/O)"));
    }

    [Test]
    public void Load_FolderCarryingItsOwnSdkCopy_PolicyBindsToTheHostSdk()
    {
        var folder = _folder.Install("batching");
        File.Copy(typeof(ICleanupPolicy).Assembly.Location, Path.Combine(folder, "NetnsPolicy.Sdk.dll"));
        using var catalog = CatalogAssert.Open(_folder.Path);
        using var lease = catalog.Acquire("batching", null);

        var result = Simulation.SimulationEngine.Run(new SimulationRequest(Scenarios.SmallBurst(), Scenarios.V49, lease.Policy, lease.Parameters, 1));

        Assert.That(catalog.Problems, Is.Empty);
        Assert.That(result.Status, Is.EqualTo("ok"), result.StatusDetail);
        Assert.That(AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == "NetnsPolicy.Sdk"), Is.EqualTo(1));
    }

    [Test]
    public void Load_AnyPlugin_RunsFromAShadowCopyNotTheDroppedFile()
    {
        var folder = _folder.Install("batching");
        using var catalog = CatalogAssert.Open(_folder.Path);

        var location = AppDomain.CurrentDomain.GetAssemblies().Last(a => a.GetName().Name == "NetnsPolicy.Policies.Batching").Location;

        Assert.That(location, Does.Not.StartWith(folder));
        Assert.That(Path.GetFileName(location), Is.EqualTo("NetnsPolicy.Policies.Batching.dll"));
        Assert.That(File.Exists(location), Is.True);
    }

    [Test]
    public void Load_LooseFileInPluginsFolder_ReportedAsIgnored()
    {
        var stray = Path.Combine(_folder.Path, "MyPolicy.dll");
        File.WriteAllText(stray, "x");
        using var catalog = CatalogAssert.Open(_folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, stray), Does.Contain("a plugin is a folder holding plugin.json"));
    }

    [Test]
    public void Acquire_UnknownPolicy_ThrowsOnPolicyFieldListingAvailableOnes()
    {
        _folder.Install("batching");
        using var catalog = CatalogAssert.Open(_folder.Path);

        var error = Assert.Throws<InputValidationException>(() => catalog.Acquire("batchng", null));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("policy"));
        Assert.That(error.Message, Does.Contain("unknown policy 'batchng' (available: batching, upstream)"));
    }

    [Test]
    public void Acquire_RefusedPlugin_UnknownPolicyMessageSaysWhyItWasRefused()
    {
        _folder.Install("wall-clock");
        using var catalog = CatalogAssert.Open(_folder.Path);

        var error = Assert.Throws<InputValidationException>(() => catalog.Acquire("wall-clock", null));

        Assert.That(error!.Message, Does.Contain("refused plugin folders").And.Contain("DateTime.get_Now"));
    }

    [Test]
    public void Acquire_ParameterOutOfRange_ThrowsNamingTheParameter()
    {
        _folder.Install("batching");
        using var catalog = CatalogAssert.Open(_folder.Path);

        var error = Assert.Throws<InputValidationException>(() => catalog.Acquire("batching", new Dictionary<string, string> { ["batch_size"] = "0" }));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("parameters.batch_size"));
        Assert.That(error.Message, Does.Contain("outside the allowed range [1, 100000]"));
    }

    [Test]
    public void Acquire_Plugin_LeaseCarriesThePluginHashAndComponents()
    {
        _folder.Install("batching");
        using var catalog = CatalogAssert.Open(_folder.Path);

        using var lease = catalog.Acquire("batching", new Dictionary<string, string> { ["batch_size"] = "8" });

        Assert.That(lease.AssemblyHash, Is.EqualTo(catalog.List().Single(p => p.Id == "batching").AssemblyHash));
        Assert.That(lease.PolicyId, Is.EqualTo("batching"));
        Assert.That(lease.Parameters.GetInt64("batch_size"), Is.EqualTo(8));
        Assert.That(lease.Components.Select(c => c.Id), Is.EqualTo(new[] { "batching" }));
    }

    [Test]
    public void Acquire_SameAssembliesInTwoFolders_SameHash_DifferentBuild_DifferentHash()
    {
        using var other = new PluginFolder();
        _folder.Install("versioned-v1", "versioned");
        other.Install("versioned-v2", "versioned");
        using var one = CatalogAssert.Open(_folder.Path);
        using var two = CatalogAssert.Open(other.Path);
        using var again = CatalogAssert.Open(_folder.Path);

        Assert.That(one.List().Single(p => p.Id == "versioned").AssemblyHash, Is.EqualTo(again.List().Single(p => p.Id == "versioned").AssemblyHash));
        Assert.That(one.List().Single(p => p.Id == "versioned").AssemblyHash, Is.Not.EqualTo(two.List().Single(p => p.Id == "versioned").AssemblyHash));
    }
}
