using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetnsPolicy.PluginHost.Tests.Catalog;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Tests.Compatibility;

/// <summary>
/// SDK 2 "room to grow": builds, in memory from src/Sdk's own sources, an SDK 2.0 and an SDK 2.1 whose
/// <see cref="UeventContext"/> gained a property (a new first backing field, so the struct's layout changes), builds a
/// plugin against 2.0, and runs its decision in a load context whose SDK is 2.1 with a context the 2.1 host built.
/// </summary>
[TestFixture]
public sealed class SdkCompatibilityTests
{
    private const string HostAssembly = "NetnsPolicy.Sdk21Host";

    private const string AddedProperty = """
            /// <summary>Added in SDK 2.1.</summary>
            public int AddedInSdk21 { get; } = 21;

        """;

    private const string PluginSource = """
        using NetnsPolicy.Sdk;

        namespace Compat;

        public sealed class DyingSuppressor : ICleanupPolicy
        {
            public PolicyDescriptor Descriptor { get; } = new("dying-suppressor", new System.Version(1, 0, 0), "Suppresses uevents of dying nets.", DecisionPoint.UeventEmission, []);

            public UeventEmission ChooseUeventEmission(in UeventContext context) =>
                context.OwnerNetDying && context.OwnerNetId == 7 && context.Device == DeviceKind.Veth ? UeventEmission.Suppress : context.EmissionDefault;
        }
        """;

    // Uses the 2.1 property: must not run against a 2.0 SDK.
    private const string Plugin21Source = """
        using NetnsPolicy.Sdk;

        namespace Compat;

        public sealed class NeedsSdk21 : ICleanupPolicy
        {
            public PolicyDescriptor Descriptor { get; } = new("needs-sdk21", new System.Version(1, 0, 0), "Reads a 2.1 field.", DecisionPoint.UeventEmission, []);

            public UeventEmission ChooseUeventEmission(in UeventContext context) => context.AddedInSdk21 == 21 ? UeventEmission.Suppress : UeventEmission.Send;
        }
        """;

    // The 2.1 host's side: builds a context through the internal constructor and asks the policy.
    private const string HostSource = """
        using NetnsPolicy.Sdk;

        namespace Compat;

        public static class Host
        {
            public static string Ask(ICleanupPolicy policy, bool dying)
            {
                var context = new UeventContext(null!, DeviceKind.Veth, KobjectKind.Device, UeventAction.Remove, 7, dying, UeventEmission.Send, UeventDelivery.AllSockets);
                return $"{policy.Descriptor.Id} {policy.ChooseUeventEmission(in context)} {context.AddedInSdk21} {SdkInfo.Version}";
            }
        }
        """;

    // A whole 2.1 host: this build's PluginHost and Simulation, bound to the 2.1 SDK, loading and running the plugin.
    private const string RealHostSource = """
        using System.Linq;
        using NetnsPolicy.PluginHost.Catalog;
        using NetnsPolicy.PluginHost.Containment;
        using NetnsPolicy.Sdk;
        using NetnsPolicy.Simulation;
        using NetnsPolicy.Simulation.Profiles;
        using NetnsPolicy.Simulation.Workloads;

        namespace Compat;

        public static class RealHost
        {
            public static string Run(string plugins)
            {
                using var catalog = new PluginCatalog(new PluginCatalogOptions { PluginsDirectory = plugins, Watch = false });
                if (catalog.Problems.Count > 0)
                {
                    return "refused: " + string.Join(" | ", catalog.Problems.Select(p => p.Message));
                }

                using var lease = catalog.Acquire("dying-suppressor", null);
                var seed = WorkloadLoader.Load("seed-1000-maxcpus1");
                var workload = seed with { Burst = seed.Burst! with { Count = 20 } };
                var result = new PolicyRunner().Run(new SimulationRequest(workload, KernelProfileLoader.Load(workload.Machine.KernelProfile), lease.Policy, lease.Parameters, workload.Seed));
                return $"SDK {SdkInfo.Version}: {result.Status}, uevent_emission asked {result.Decisions["uevent_emission"]}";
            }
        }
        """;

    private static readonly Lazy<byte[]> Sdk20 = new(() => CompileSdk(minor: 0));
    private static readonly Lazy<byte[]> Sdk21 = new(() => CompileSdk(minor: 1));

    [Test]
    public void Decision_PluginBuiltAgainstSdk20_RunsInAHostWhoseSdk21AddedAContextField()
    {
        var plugin = Compile("Compat.Plugin", PluginSource, Sdk20.Value);
        var host = Compile(HostAssembly, HostSource, Sdk21.Value);
        var context = new SdkContext(Sdk21.Value);
        try
        {
            var pluginAssembly = context.LoadFromStream(new MemoryStream(plugin));
            var hostAssembly = context.LoadFromStream(new MemoryStream(host));
            var policy = Activator.CreateInstance(pluginAssembly.GetType("Compat.DyingSuppressor", throwOnError: true)!)!;
            var ask = hostAssembly.GetType("Compat.Host", throwOnError: true)!.GetMethod("Ask")!;

            Assert.Multiple(() =>
            {
                Assert.That(SdkReference(plugin), Is.EqualTo(new Version(2, 0, 0, 0)));
                Assert.That(ask.Invoke(null, [policy, true]), Is.EqualTo("dying-suppressor Suppress 21 2.1.0"));
                Assert.That(ask.Invoke(null, [policy, false]), Is.EqualTo("dying-suppressor Send 21 2.1.0"));
            });
        }
        finally
        {
            context.Unload();
        }
    }

    [Test]
    public void Decision_PluginUsingASdk21FieldInASdk20Host_FailsAsMissingMember()
    {
        var plugin = Compile("Compat.Plugin21", Plugin21Source, Sdk21.Value);
        var host = Compile(HostAssembly, HostSource.Replace(" {context.AddedInSdk21}", "", StringComparison.Ordinal), Sdk20.Value);
        var context = new SdkContext(Sdk20.Value);
        try
        {
            var pluginAssembly = context.LoadFromStream(new MemoryStream(plugin));
            var ask = context.LoadFromStream(new MemoryStream(host)).GetType("Compat.Host", throwOnError: true)!.GetMethod("Ask")!;
            var policy = Activator.CreateInstance(pluginAssembly.GetType("Compat.NeedsSdk21", throwOnError: true)!)!;

            var error = Assert.Throws<TargetInvocationException>(() => ask.Invoke(null, [policy, true]))!;

            Assert.That(error.InnerException, Is.InstanceOf<MissingMethodException>());
        }
        finally
        {
            context.Unload();
        }
    }

    [Test]
    public void Run_PluginBuiltAgainstSdk20_LoadsAndRunsInTheRealHostBoundToSdk21()
    {
        using var folder = new PluginFolder();
        WritePlugin(folder, "built-on-20", Compile("Compat.Plugin", PluginSource, Sdk20.Value), "Compat.DyingSuppressor", "dying-suppressor");
        var hostReferences = new[] { "NetnsPolicy.PluginHost.dll", "NetnsPolicy.Simulation.dll" }
            .Select(f => MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, f)));
        var host = Emit(HostAssembly, [RealHostSource], Framework().Concat(hostReferences).Append(MetadataReference.CreateFromImage(Sdk21.Value)));
        var context = new SdkContext(Sdk21.Value, AppContext.BaseDirectory);
        try
        {
            var run = context.LoadFromStream(new MemoryStream(host)).GetType("Compat.RealHost", throwOnError: true)!.GetMethod("Run")!;

            var outcome = (string)run.Invoke(null, [folder.Path])!;

            Assert.That(outcome, Does.StartWith("SDK 2.1.0: ok, uevent_emission asked"), outcome);
        }
        finally
        {
            context.Unload();
        }
    }

    [Test]
    public void Load_PluginBuiltAgainstAnEarlierOrEqualMinor_ListedByTheRealLoader()
    {
        using var folder = new PluginFolder();
        var dir = WritePlugin(folder, "built-on-20", Compile("Compat.Plugin", PluginSource, Sdk20.Value), "Compat.DyingSuppressor", "dying-suppressor");
        using var catalog = CatalogAssert.Open(folder.Path);

        Assert.That(catalog.Problems.Where(p => p.Path == dir), Is.Empty);
        Assert.That(catalog.List().Single(p => p.Id == "dying-suppressor").Overrides, Is.EqualTo(DecisionPoint.UeventEmission));
    }

    [Test]
    public void Load_PluginReferencingALaterSdkMinor_RefusedByTheRealLoader()
    {
        using var folder = new PluginFolder();
        var dir = WritePlugin(folder, "built-on-21", Compile("Compat.Plugin21", Plugin21Source, Sdk21.Value), "Compat.NeedsSdk21", "needs-sdk21");
        using var catalog = CatalogAssert.Open(folder.Path);

        Assert.That(CatalogAssert.ProblemFor(catalog, dir), Does.Contain("references NetnsPolicy.Sdk 2.1.0.0").And.Contain("newer SDK minor version"));
    }

    private static string WritePlugin(PluginFolder folder, string name, byte[] assembly, string entryType, string id)
    {
        var dir = Path.Combine(folder.Path, name);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "Compat.dll"), assembly);
        File.WriteAllText(Path.Combine(dir, "plugin.json"), $$"""
            { "id": "{{name}}", "version": "1.0.0", "sdk_version": "2.0.0", "assembly": "Compat.dll",
              "policies": [ { "id": "{{id}}", "entry_type": "{{entryType}}", "overrides": ["uevent_emission"] } ] }
            """);
        return dir;
    }

    private static Version SdkReference(byte[] assembly)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(assembly));
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.AssemblyReferences.Select(reader.GetAssemblyReference).Single(r => reader.GetString(r.Name) == "NetnsPolicy.Sdk").Version;
    }

    /// <summary>The SDK from src/Sdk at version 2.<paramref name="minor"/>; minor 1 adds a property to <see cref="UeventContext"/>.</summary>
    private static byte[] CompileSdk(int minor)
    {
        var sources = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src", "Sdk"), "*.cs").Order(StringComparer.Ordinal).Select(path =>
        {
            var text = File.ReadAllText(path);
            if (minor > 0 && Path.GetFileName(path) == "UeventContext.cs")
            {
                const string Anchor = "public readonly struct UeventContext\n{\n";
                Assert.That(text, Does.Contain(Anchor), "UeventContext.cs changed shape: update the 2.1 patch of this test");
                text = text.Replace(Anchor, Anchor + AddedProperty, StringComparison.Ordinal);
            }

            return text;
        }).Append($$"""
            global using System;
            global using System.Collections.Generic;
            global using System.Linq;
            [assembly: System.Reflection.AssemblyVersion("2.{{minor}}.0.0")]
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("{{HostAssembly}}")]
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("NetnsPolicy.Simulation")]
            """);
        return Emit("NetnsPolicy.Sdk", sources, Framework());
    }

    private static byte[] Compile(string name, string source, byte[] sdk) =>
        Emit(name, [source], Framework().Append(MetadataReference.CreateFromImage(sdk)));

    private static byte[] Emit(string name, IEnumerable<string> sources, IEnumerable<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            name,
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var emitted = compilation.Emit(output);
        Assert.That(emitted.Success, Is.True, () => $"{name} does not compile: " + string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return output.ToArray();
    }

    private static IEnumerable<MetadataReference> Framework() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetnsPolicy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no NetnsPolicy.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// A collectible context whose NetnsPolicy.Sdk is the given image, whatever version a reference asks for; with
    /// <paramref name="hostDirectory"/>, the host's other NetnsPolicy assemblies load here too (so they bind to it).
    /// </summary>
    private sealed class SdkContext(byte[] sdk, string? hostDirectory = null) : AssemblyLoadContext("sdk compatibility", isCollectible: true)
    {
        private Assembly? _sdk;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == "NetnsPolicy.Sdk")
            {
                return _sdk ??= LoadFromStream(new MemoryStream(sdk));
            }

            var path = hostDirectory is null ? null : Path.Combine(hostDirectory, assemblyName.Name + ".dll");
            return path is not null && assemblyName.Name!.StartsWith("NetnsPolicy.", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
