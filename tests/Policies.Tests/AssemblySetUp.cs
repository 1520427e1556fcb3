namespace NetnsPolicy.Policies.Tests;

/// <summary>Disposes the shared plugin catalogs once every fixture has run.</summary>
[SetUpFixture]
public sealed class AssemblySetUp
{
    [OneTimeTearDown]
    public void OneTimeTearDown() => SeedScenario.DisposeCatalogs();
}
