using NetnsPolicy.PluginHost.Manifest;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Tests.Manifest;

[TestFixture]
public sealed class PluginManifestReaderTests
{
    [Test]
    public void Parse_ValidManifest_ReadsEveryField()
    {
        var manifest = PluginManifestReader.Parse("""
            {
              // comments and trailing commas are allowed
              "id": "my-policy",
              "version": "1.2.3",
              "sdk_version": "1.0",
              "assembly": "My.Policy.dll",
              "policies": [ { "id": "my-policy", "entry_type": "My.Policy", "overrides": ["batch_admission", "grace_period"], }, ],
            }
            """);

        Assert.That(manifest.Id, Is.EqualTo("my-policy"));
        Assert.That(manifest.Version, Is.EqualTo(new Version(1, 2, 3)));
        Assert.That(manifest.SdkVersion.Major, Is.EqualTo(1));
        Assert.That(manifest.Assembly, Is.EqualTo("My.Policy.dll"));
        Assert.That(manifest.Policies.Single().Overrides, Is.EqualTo(DecisionPoint.BatchAdmission | DecisionPoint.GracePeriod));
    }

    [TestCase("""{ "id": "a", "version": "1.0", "sdk_version": "1.0", "assembly": "../a.dll", "policies": [ { "id": "a", "entry_type": "A" } ] }""", "assembly: required")]
    [TestCase("""{ "id": "a", "version": "1.0", "sdk_version": "1.0", "assembly": "a.dll", "policies": [] }""", "policies: required")]
    [TestCase("""{ "id": "a", "version": "1.0", "sdk_version": "one", "assembly": "a.dll", "policies": [ { "id": "a", "entry_type": "A" } ] }""", "sdk_version: required, a version")]
    [TestCase("""{ "id": "a", "version": "1.0", "sdk_version": "1.0", "assembly": "a.dll", "policies": [ { "id": "a" } ] }""", "policies[0].entry_type: required")]
    [TestCase("""{ "id": "a", "version": "1.0", "sdk_version": "1.0", "assembly": "a.dll", "policies": [ { "id": "a", "entry_type": "A", "overrides": ["rtnl_scope", "rtnl_scope"] } ] }""", "'rtnl_scope' is listed twice")]
    [TestCase("""{ "id": "a", "version": "1.0", "sdk_version": "1.0", "assembly": "a.dll", "policies": [ { "id": "a", "entry_type": "A" }, { "id": "a", "entry_type": "B" } ] }""", "'a' is declared twice")]
    [TestCase("null", "plugin.json is empty")]
    public void Parse_InvalidManifest_ThrowsNamingTheProblem(string json, string expected)
    {
        var error = Assert.Throws<PluginLoadException>(() => PluginManifestReader.Parse(json));

        Assert.That(error!.Message, Does.Contain(expected));
    }
}
