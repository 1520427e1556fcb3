using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using NetnsPolicy.PluginHost.Isolation;
using NetnsPolicy.PluginHost.Loading;
using NetnsPolicy.PluginHost.Manifest;
using NetnsPolicy.PluginHost.StaticCheck;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// Loads one plugin folder: manifest, SDK major, shadow copy, assembly checks (metadata, SDK reference, static
/// check), its own collectible load context, entry types, descriptors. Anything wrong throws
/// <see cref="PluginLoadException"/> with a message for the plugin's author, and leaves nothing loaded.
/// </summary>
internal static partial class PluginLoader
{
    private static readonly string SdkName = typeof(ICleanupPolicy).Assembly.GetName().Name!;

    public static LoadedPlugin Load(string folder, string fingerprint, string shadowRoot, PluginCatalogOptions options)
    {
        var manifestPath = Path.Combine(folder, PluginManifestReader.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new PluginLoadException($"no {PluginManifestReader.FileName}: every plugin folder needs a manifest (docs/plugins.md)");
        }

        var manifest = PluginManifestReader.Parse(File.ReadAllText(manifestPath));
        if (manifest.SdkVersion.Major != SdkInfo.Major)
        {
            throw new PluginLoadException(SdkMismatch(manifest.Id, $"its manifest says sdk_version {manifest.SdkVersion}"));
        }

        var shadow = PluginFiles.ShadowCopy(folder, shadowRoot, manifest.Id);
        PluginLoadContext? context = null;
        try
        {
            var entryPath = Path.Combine(shadow, manifest.Assembly);
            if (!File.Exists(entryPath))
            {
                throw new PluginLoadException($"the manifest's assembly '{manifest.Assembly}' is not in the plugin folder");
            }

            var assemblies = PluginFiles.Assemblies(shadow);
            foreach (var path in assemblies)
            {
                CheckAssembly(path, manifest, options.StaticCheck);
            }

            var hash = PluginFiles.Hash(shadow, assemblies);
            var source = Path.GetFileName(folder);
            var trust = TrustOf(source, manifest, assemblies, hash, options.Trust);
            if (trust == PolicyTrust.Sandboxed)
            {
                // Untrusted code never runs here: its constructors, static constructors and descriptors run in a worker.
                var probed = Probe(source, shadow, manifest, hash, options.Trust!.Sandbox!);
                return new LoadedPlugin(folder, fingerprint, hash, shadow, manifest, null, probed) { Trust = trust };
            }

            context = new PluginLoadContext($"plugin {manifest.Id} {manifest.Version} ({hash[..12]})", entryPath);
            Assembly entry;
            try
            {
                entry = context.LoadFromAssemblyPath(entryPath);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException)
            {
                throw new PluginLoadException($"{manifest.Assembly} could not be loaded: {e.Message}", e);
            }

            var policies = manifest.Policies.Select(p => LoadPolicy(entry, manifest, p, hash, source, options)).Select(p => p with { Info = p.Info with { Trust = trust } }).ToList();
            return new LoadedPlugin(folder, fingerprint, hash, shadow, manifest, context, policies) { Trust = trust };
        }
        catch
        {
            context?.Unload();
            PluginFiles.TryDelete(shadow);
            throw;
        }
    }

    /// <summary>How the plugin may run: in-process when pinned or trusted, else in the sandbox, else refused (or opted out).</summary>
    private static string TrustOf(string folder, PluginManifest manifest, IReadOnlyList<string> assemblies, string hash, PluginTrustOptions? trust)
    {
        if (trust is null)
        {
            return PolicyTrust.InProcess;
        }

        var pinned = new HashSet<string>(trust.PinnedAssemblyHashes, StringComparer.OrdinalIgnoreCase);
        if (assemblies.Count > 0 && assemblies.All(a => pinned.Contains(PluginFiles.FileHash(a))))
        {
            return PolicyTrust.Shipped;
        }

        bool Named(IReadOnlyCollection<string> names) => names.Any(n =>
            n == folder || manifest.Policies.Any(p => p.Id == n) || n.Equals(hash, StringComparison.OrdinalIgnoreCase) || n.Equals("sha256:" + hash, StringComparison.OrdinalIgnoreCase));
        if (Named(trust.Trusted))
        {
            return PolicyTrust.Trusted;
        }

        if (trust.Sandbox is not null)
        {
            return PolicyTrust.Sandboxed;
        }

        if (Named(trust.Unsandboxed))
        {
            return PolicyTrust.Unsandboxed;
        }

        throw new PluginLoadException(
            $"refused: untrusted plugins run only in the sandbox, which cannot be set up on this host ({trust.SandboxUnavailableReason}); " +
            "mark the plugin trusted (NetnsPolicy:TrustedPlugins) or, knowing it then runs unconfined in the service, opt it out of the sandbox by name (NetnsPolicy:UnsandboxedPlugins)");
    }

    private static List<PolicyEntry> Probe(string source, string shadow, PluginManifest manifest, string hash, SandboxedWorkers sandbox)
    {
        var probed = sandbox.Probe(source, shadow);
        if (probed.Problems.Count > 0)
        {
            throw new PluginLoadException(string.Join("; ", probed.Problems.Select(p => p.Message)));
        }

        if (probed.Policies.Any(p => p.AssemblyHash != hash))
        {
            throw new PluginLoadException("the sandbox loaded other assemblies than the host hashed (the folder changed during the scan); retried on the next change");
        }

        var declared = manifest.Policies.Select(p => p.Id).Order(StringComparer.Ordinal);
        if (!declared.SequenceEqual(probed.Policies.Select(p => p.Id).Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            throw new PluginLoadException($"the sandbox listed policies [{string.Join(", ", probed.Policies.Select(p => p.Id))}] but the manifest declares [{string.Join(", ", declared)}]");
        }

        return probed.Policies.Select(p =>
        {
            var descriptor = p.ToDescriptor();
            var info = new PolicyInfo(descriptor.Id, descriptor.Version, descriptor.Description, descriptor.Overrides, descriptor.Parameters, manifest.SdkVersion.Major, hash, source)
            {
                Trust = PolicyTrust.Sandboxed,
            };
            return new PolicyEntry(descriptor, null, info);
        }).ToList();
    }

    private static void CheckAssembly(string path, PluginManifest manifest, bool staticCheck)
    {
        var file = Path.GetFileName(path);
        try
        {
            using (var stream = File.OpenRead(path))
            using (var pe = new PEReader(stream))
            {
                if (!pe.HasMetadata)
                {
                    throw new PluginLoadException($"{file} is not a .NET assembly (no CLI metadata)");
                }

                var reader = pe.GetMetadataReader();
                if (!reader.IsAssembly)
                {
                    throw new PluginLoadException($"{file} is a module, not an assembly");
                }

                foreach (var handle in reader.AssemblyReferences)
                {
                    var reference = reader.GetAssemblyReference(handle);
                    if (reader.GetString(reference.Name) == SdkName && reference.Version.Major != SdkInfo.Major)
                    {
                        throw new PluginLoadException(SdkMismatch(manifest.Id, $"{file} references {SdkName} {reference.Version}"));
                    }

                    // Any earlier minor of this major loads; a later one may use members this host does not have.
                    if (reader.GetString(reference.Name) == SdkName && reference.Version.Minor > SdkInfo.Version.Minor)
                    {
                        throw new PluginLoadException(
                            $"plugin '{manifest.Id}': {file} references {SdkName} {reference.Version}, newer than this host's {SdkInfo.Version}: update the host, or build the plugin against {SdkName} {SdkInfo.Major}.{SdkInfo.Version.Minor}");
                    }
                }
            }

            if (staticCheck)
            {
                var findings = PolicyCodeInspector.Inspect(path);
                if (findings.Count > 0)
                {
                    throw new PluginLoadException(
                        $"refused by the static check: policies must be deterministic functions of the simulated state. {string.Join("; ", findings)}");
                }
            }
        }
        catch (BadImageFormatException e)
        {
            throw new PluginLoadException($"{file} is not a .NET assembly ({e.Message})", e);
        }
    }

    private static PolicyEntry LoadPolicy(Assembly entry, PluginManifest manifest, ManifestPolicy declared, string hash, string source, PluginCatalogOptions options)
    {
        var type = entry.GetType(declared.EntryType, throwOnError: false);
        if (type is null)
        {
            throw new PluginLoadException($"entry type '{declared.EntryType}' of policy '{declared.Id}' is not in {manifest.Assembly}");
        }

        if (!typeof(ICleanupPolicy).IsAssignableFrom(type))
        {
            var sdkLike = type.GetInterfaces().FirstOrDefault(i => i.Name == nameof(ICleanupPolicy));
            throw new PluginLoadException($"entry type '{declared.EntryType}' does not implement {typeof(ICleanupPolicy).FullName} of {SdkName} {SdkInfo.Version}"
                + (sdkLike is null ? "" : $" (it implements an {nameof(ICleanupPolicy)} from {sdkLike.Assembly.GetName()})"));
        }

        if (type.IsAbstract || !type.IsPublic || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PluginLoadException($"entry type '{declared.EntryType}' must be a public, non-abstract class with a public parameterless constructor");
        }

        var what = $"listing policy '{declared.Id}' ({declared.EntryType} constructor and Descriptor)";
        var descriptor = BoundedCall.Run(() => Copy(((ICleanupPolicy)Activator.CreateInstance(type)!).Descriptor), options.Containment.ProbeTimeout, what);
        var problems = new List<string>();
        if (descriptor.Id != declared.Id)
        {
            problems.Add($"its descriptor's id is '{descriptor.Id}' but the manifest declares '{declared.Id}'");
        }

        if (descriptor.Overrides != declared.Overrides)
        {
            problems.Add($"its descriptor overrides [{Names(descriptor.Overrides)}] but the manifest declares [{Names(declared.Overrides)}]");
        }

        // The method a policy implements is the one that gets called: the points are read from the type itself.
        var implemented = Implemented(type);
        if (implemented != declared.Overrides)
        {
            problems.Add($"its type implements [{Names(implemented)}] but the manifest declares [{Names(declared.Overrides)}]");
        }

        foreach (var p in descriptor.Parameters)
        {
            if (!ParameterName().IsMatch(p.Name) || descriptor.Parameters.Count(q => q.Name == p.Name) > 1 || p.Min > p.Max || p.Default < p.Min || p.Default > p.Max)
            {
                problems.Add($"parameter '{p.Name}' is invalid (snake_case, unique, min ≤ default ≤ max)");
            }
        }

        if (problems.Count > 0)
        {
            throw new PluginLoadException($"policy '{declared.Id}' ({declared.EntryType}): {string.Join("; ", problems)}");
        }

        var info = new PolicyInfo(descriptor.Id, descriptor.Version, descriptor.Description, descriptor.Overrides, descriptor.Parameters, manifest.SdkVersion.Major, hash, source);
        return new PolicyEntry(descriptor, type, info);
    }

    /// <summary>The decision points whose <see cref="ICleanupPolicy"/> method <paramref name="type"/> implements (not the interface's default).</summary>
    internal static DecisionPoint Implemented(Type type)
    {
        var map = type.GetInterfaceMap(typeof(ICleanupPolicy));
        var points = DecisionPoint.None;
        for (var i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.TargetMethods[i].DeclaringType != typeof(ICleanupPolicy) && PointOf(map.InterfaceMethods[i].Name) is { } point)
            {
                points |= point;
            }
        }

        return points;
    }

    private static DecisionPoint? PointOf(string method) => method switch
    {
        nameof(ICleanupPolicy.AdmitBatch) => DecisionPoint.BatchAdmission,
        nameof(ICleanupPolicy.ChooseLockScope) => DecisionPoint.LockScope,
        nameof(ICleanupPolicy.ChooseUeventEmission) => DecisionPoint.UeventEmission,
        nameof(ICleanupPolicy.ChooseUeventDelivery) => DecisionPoint.UeventDelivery,
        nameof(ICleanupPolicy.ChooseGracePeriod) => DecisionPoint.GracePeriod,
        nameof(ICleanupPolicy.ChooseUnregisterGrouping) => DecisionPoint.UnregisterGrouping,
        nameof(ICleanupPolicy.ChooseRtnlScope) => DecisionPoint.RtnlScope,
        _ => null,
    };

    // The host keeps only SDK and BCL objects from a plugin, never its types, so the plugin can unload.
    private static PolicyDescriptor Copy(PolicyDescriptor d) =>
        new(d.Id, new Version(d.Version.ToString()), d.Description, d.Overrides, d.Parameters.Select(p => p with { }).ToArray());

    private static string Names(DecisionPoint points) => string.Join(", ", DecisionPoints.Split(points).Select(DecisionPoints.Name));

    private static string SdkMismatch(string id, string evidence) =>
        $"plugin '{id}' was built against another SDK major version ({evidence}); this host provides {SdkName} {SdkInfo.Version} " +
        $"and loads only plugins built against {SdkName} {SdkInfo.Major}.x: rebuild it against {SdkName} {SdkInfo.Major}.x";

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
