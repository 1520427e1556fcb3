using System.Reflection;
using System.Runtime.Loader;

namespace NetnsPolicy.PluginHost.Loading;

/// <summary>
/// One plugin version's collectible load context. The SDK is always the host's own SDK assembly (from whichever context
/// loaded the host) and every framework assembly comes from the default context — whatever the plugin folder carries
/// — so an <see cref="Sdk.ICleanupPolicy"/> in the plugin is the host's <see cref="Sdk.ICleanupPolicy"/>, also for a
/// plugin built against an earlier SDK minor. Everything else resolves from the plugin's (shadow-copied) folder.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly Assembly SdkAssembly = typeof(Sdk.ICleanupPolicy).Assembly;
    private static readonly HashSet<string> HostAssemblies = LoadHostAssemblyNames();

    private readonly string _directory;
    private readonly AssemblyDependencyResolver? _resolver;

    public PluginLoadContext(string name, string entryAssemblyPath)
        : base(name, isCollectible: true)
    {
        _directory = Path.GetDirectoryName(entryAssemblyPath)!;
        try
        {
            _resolver = new AssemblyDependencyResolver(entryAssemblyPath);
        }
        catch (InvalidOperationException)
        {
            // No usable .deps.json: plain probing of the plugin folder below.
            _resolver = null;
        }
    }

    /// <summary>Whether <paramref name="name"/> is always taken from the host (the SDK, the framework).</summary>
    public static bool IsHostAssembly(string name) => HostAssemblies.Contains(name);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name ?? "";
        if (name == SdkAssembly.GetName().Name)
        {
            // The host's own SDK, from whichever context loaded the host, whatever version the plugin was built against
            // (an earlier minor of the host's: the loader refused any other before this point).
            return SdkAssembly;
        }

        if (IsHostAssembly(name))
        {
            return null;
        }

        var path = _resolver?.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            var local = Path.Combine(_directory, name + ".dll");
            path = File.Exists(local) ? local : null;
        }

        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    private static HashSet<string> LoadHostAssemblyNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { typeof(Sdk.ICleanupPolicy).Assembly.GetName().Name! };
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
        {
            foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var file = Path.GetFileNameWithoutExtension(path);
                // The framework only: the host's own dependencies stay private to it.
                if (file.StartsWith("System.", StringComparison.OrdinalIgnoreCase) || file.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase)
                    || file is "netstandard" or "mscorlib" or "WindowsBase")
                {
                    names.Add(file);
                }
            }
        }

        return names;
    }
}
