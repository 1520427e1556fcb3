using System.Runtime.CompilerServices;
using NetnsPolicy.PluginHost.Loading;
using NetnsPolicy.PluginHost.Manifest;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// One loaded version of a plugin folder. Reference-counted: the catalog holds one reference while this version is
/// current and every lease holds one; when the last is released the load context unloads and its shadow copy goes.
/// </summary>
internal sealed class LoadedPlugin
{
    private readonly PluginLoadContext? _context;
    private int _failures;
    private string? _quarantine;
    private int _references = 1;

    public LoadedPlugin(string folder, string fingerprint, string assemblyHash, string shadowDirectory, PluginManifest manifest, PluginLoadContext? context, IReadOnlyList<PolicyEntry> policies)
    {
        Folder = folder;
        Fingerprint = fingerprint;
        AssemblyHash = assemblyHash;
        ShadowDirectory = shadowDirectory;
        Manifest = manifest;
        _context = context;
        Policies = policies;
        ContextReference = new WeakReference(context, trackResurrection: false);
    }

    public string Folder { get; }

    /// <summary>How its policies run (<see cref="PolicyTrust"/>); sandboxed plugins have no load context here.</summary>
    public string Trust { get; init; } = PolicyTrust.InProcess;

    /// <summary>Why this version is quarantined, or null.</summary>
    public string? Quarantine => Volatile.Read(ref _quarantine);

    /// <summary>Hash of every file in the folder, manifest included: a change means a new version.</summary>
    public string Fingerprint { get; }

    /// <summary>SHA-256 of the plugin's assemblies, as loaded.</summary>
    public string AssemblyHash { get; }

    public string ShadowDirectory { get; }

    public PluginManifest Manifest { get; }

    public IReadOnlyList<PolicyEntry> Policies { get; }

    /// <summary>Weak reference to the load context: dead once the version is unloaded and collected.</summary>
    public WeakReference ContextReference { get; }

    public bool IsUnloaded => Volatile.Read(ref _references) == 0;

    /// <summary>Takes a reference for a lease. Only called under the catalog's lock while this version is current.</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Counts a failed sandboxed run; at <paramref name="limit"/> failures the version is quarantined. Returns true when this failure quarantined it.</summary>
    public bool RecordFailure(string reason, int limit)
    {
        var failures = Interlocked.Increment(ref _failures);
        return failures >= limit && Interlocked.CompareExchange(ref _quarantine, $"quarantined after {failures} failed runs in the sandbox (last: {reason}); replace its files to clear", null) is null;
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            Unload();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Unload()
    {
        _context?.Unload();
        PluginFiles.TryDelete(ShadowDirectory);
    }
}

/// <summary>A policy a plugin provides: its entry type (null when it is loaded only in the sandbox) and the host's copy of its descriptor.</summary>
internal sealed record PolicyEntry(PolicyDescriptor Descriptor, Type? EntryType, PolicyInfo Info);
