using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.Sandbox.Tests;

/// <summary>
/// Builds the hostile plugins: one in-memory Roslyn compilation of Hostile/HostilePolicies.cs.txt (every policy in one
/// assembly) and, per policy, a plugin folder holding that assembly and a manifest naming only that policy.
/// </summary>
internal sealed class HostilePlugins
{
    private readonly byte[] _assembly;

    private HostilePlugins(byte[] assembly) => _assembly = assembly;

    public const string AssemblyFile = "Hostile.Policies.dll";

    /// <summary>Compiles the hostile source with <paramref name="values"/> replacing its <c>@@NAME@@</c> placeholders.</summary>
    public static HostilePlugins Compile(IReadOnlyDictionary<string, string> values)
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Hostile", "HostilePolicies.cs.txt"));
        foreach (var (name, value) in values)
        {
            source = source.Replace("@@" + name + "@@", value, StringComparison.Ordinal);
        }

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(ICleanupPolicy).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Hostile.Policies",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var emitted = compilation.Emit(output);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("the hostile plugins do not compile: " + string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return new HostilePlugins(output.ToArray());
    }

    /// <summary>Writes the compiled assembly to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllBytes(path, _assembly);

    /// <summary>Policy id → class of the hostile source.</summary>
    private static readonly Dictionary<string, string> Classes = new(StringComparer.Ordinal)
    {
        ["reads-hostname"] = "ReadsHostname",
        ["reads-environment"] = "ReadsEnvironment",
        ["writes-file"] = "WritesFile",
        ["writes-plugins"] = "WritesPlugins",
        ["writes-store"] = "WritesStore",
        ["connects-service"] = "ConnectsService",
        ["connects-listener"] = "ConnectsListener",
        ["thread-pool"] = "ThreadPoolWork",
        ["spins"] = "Spins",
        ["stack-overflow"] = "StackOverflow",
        ["exits"] = "Exits",
        ["fails-fast"] = "FailsFast",
        ["throwing-finalizer"] = "ThrowingFinalizer",
        ["static-constructor"] = "StaticConstructor",
        ["static-constructor-spins"] = "StaticConstructorSpins",
        ["unsafe-string-write"] = "UnsafeStringWrite",
        ["static-leak"] = "StaticLeak",
        ["fork-exec"] = "ForkExec",
        ["ten-thousand-threads"] = "TenThousandThreads",
        ["innocent"] = "Innocent",
        ["poison"] = "Poison",
    };

    /// <summary>The entry type of policy <paramref name="id"/>.</summary>
    public static string EntryType(string id) => "Hostile." + Classes[id];

    /// <summary>
    /// Drops the plugin of policy <paramref name="id"/> into <paramref name="pluginsDirectory"/> the way an operator
    /// would: written beside it, then moved in at once. <paramref name="revision"/> changes the manifest's bytes.
    /// </summary>
    public void Drop(string pluginsDirectory, string id, int revision = 0)
    {
        var staging = Path.Combine(Path.GetDirectoryName(pluginsDirectory)!, $"staging-{id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, AssemblyFile), _assembly);
        File.WriteAllText(Path.Combine(staging, "plugin.json"), $$"""
            {
              "id": "{{id}}",
              "version": "1.0.{{revision}}",
              "sdk_version": "{{SdkInfo.Version}}",
              "assembly": "{{AssemblyFile}}",
              "policies": [ { "id": "{{id}}", "entry_type": "{{EntryType(id)}}", "overrides": ["batch_admission"] } ]
            }
            """);
        var target = Path.Combine(pluginsDirectory, id);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(staging, target);
    }
}
