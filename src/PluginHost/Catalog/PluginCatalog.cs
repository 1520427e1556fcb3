using System.Security.Cryptography;
using System.Text;
using NetnsPolicy.PluginHost.Composition;
using NetnsPolicy.PluginHost.Containment;
using NetnsPolicy.PluginHost.Loading;
using NetnsPolicy.Sdk;
using NetnsPolicy.Simulation;
using NetnsPolicy.Simulation.Policies;

namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>
/// The built-in <c>upstream</c> policy plus every plugin in a folder (docs/plugins.md). Each plugin folder is loaded
/// from a shadow copy into its own collectible load context; the folder is watched, and a changed folder becomes a
/// new version while leases keep the version they started with until disposed. Thread-safe.
/// </summary>
public sealed class PluginCatalog : IPolicyCatalog, IDisposable
{
    private readonly PluginCatalogOptions _options;
    private string? _shadowRoot;
    private readonly Lock _gate = new();
    private readonly Lock _scanGate = new();
    private readonly Dictionary<string, string> _failedFingerprints = new(StringComparer.Ordinal);
    private readonly PolicyEntry _upstream;
    private FolderWatcher? _watcher;
    private Dictionary<string, LoadedPlugin> _plugins = new(StringComparer.Ordinal);
    private Dictionary<string, (LoadedPlugin? Plugin, PolicyEntry Entry)> _policies = new(StringComparer.Ordinal);
    private IReadOnlyList<PluginProblem> _problems = [];
    private bool _disposed;
    private bool _scanned;

    /// <summary>
    /// Scans <see cref="PluginCatalogOptions.PluginsDirectory"/> once (at first use with
    /// <see cref="PluginCatalogOptions.ScanOnFirstUse"/>) and, if asked, starts watching it.
    /// </summary>
    public PluginCatalog(PluginCatalogOptions? options = null)
    {
        _options = options ?? new PluginCatalogOptions();
        if (_options.ScanOnFirstUse && _options.Watch)
        {
            throw new ArgumentException("a watched plugin catalog scans at once: ScanOnFirstUse needs Watch = false", nameof(options));
        }

        var upstream = new UpstreamPolicy().Descriptor;
        _upstream = new PolicyEntry(upstream, typeof(UpstreamPolicy),
            new PolicyInfo(upstream.Id, upstream.Version, upstream.Description, upstream.Overrides, upstream.Parameters, SdkInfo.Major, "builtin", "builtin"));
        _policies[_upstream.Descriptor.Id] = (null, _upstream);
        if (_options.ScanOnFirstUse)
        {
            return;
        }

        Reload();
        if (_options.Watch)
        {
            _watcher = FolderWatcher.TryStart(_options.PluginsDirectory, _options.Debounce, OnFolderChanged, out var problem);
            if (problem is not null)
            {
                _problems = [.. _problems, problem];
            }
        }
    }

    /// <summary>Raised after every rescan (watcher or <see cref="Reload"/>), on the thread that did it.</summary>
    public event EventHandler? Changed;

    /// <summary>The plugins folder.</summary>
    public string PluginsDirectory => _options.PluginsDirectory;

    /// <summary>Folders and files refused by the last scan, with the reason.</summary>
    public IReadOnlyList<PluginProblem> Problems
    {
        get
        {
            EnsureScanned();
            lock (_gate)
            {
                return _problems;
            }
        }
    }

    public IReadOnlyList<PolicyInfo> List()
    {
        EnsureScanned();
        lock (_gate)
        {
            return _policies.Values.Select(p => Describe(p.Plugin, p.Entry)).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        }
    }

    public PolicyLease Acquire(string policySpec, IReadOnlyDictionary<string, string>? parameters)
    {
        var spec = PolicySpec.Parse(policySpec);
        if (spec.Members.Any(m => m.Id != _upstream.Descriptor.Id))
        {
            EnsureScanned();
        }

        var resolved = new List<(LoadedPlugin? Plugin, PolicyEntry Entry)>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var unknown = spec.Members.Where(m => !_policies.ContainsKey(m.Id)).Select(m => m.Id).ToList();
            if (unknown.Count > 0)
            {
                throw new InputValidationException("policy", UnknownMessage(unknown));
            }

            foreach (var member in spec.Members)
            {
                var found = _policies[member.Id];
                found.Plugin?.AddReference();
                resolved.Add(found);
            }
        }

        var released = 0;
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                foreach (var (plugin, _) in resolved)
                {
                    plugin?.Release();
                }
            }
        }

        try
        {
            if (resolved.FirstOrDefault(r => r.Plugin?.Quarantine is not null) is { Plugin: { } quarantined } q)
            {
                throw new InputValidationException("policy", $"policy '{q.Entry.Descriptor.Id}' is {quarantined.Quarantine}");
            }

            var members = resolved.Select(r => r.Plugin is null ? new UpstreamPolicy()
                : r.Entry.EntryType is null ? new SandboxedPolicy(r.Entry.Descriptor)
                : (ICleanupPolicy)new PluginPolicy(r.Entry.Descriptor, r.Entry.EntryType)).ToList();
            ICleanupPolicy policy = spec.IsStack ? PolicyStack.Create(spec, members) : members[0];
            var errors = new List<string>();
            var raw = ParameterNames.Normalize(policy.Descriptor, spec.IsStack, parameters, errors);
            var bound = PolicyParameters.Bind(policy.Descriptor.Parameters, raw, out var bindErrors);
            errors.AddRange(bindErrors);
            if (errors.Count > 0)
            {
                throw new InputValidationException(errors.Select(e => new FieldError("parameters." + e.Split(':')[0], e)).ToList());
            }

            var hash = resolved.Count == 1 ? resolved[0].Entry.Info.AssemblyHash : StackHash(resolved.Select(r => r.Entry.Info));
            var plugins = resolved.Select(r => r.Plugin).OfType<LoadedPlugin>().Distinct().ToList();
            return new PolicyLease(new GuardedPolicy(policy, _options.Containment), bound, spec.Canonical, hash, Release)
            {
                Components = resolved.Select(r => Describe(r.Plugin, r.Entry)).ToList(),
                RequiresSandbox = plugins.Any(p => p.Trust == PolicyTrust.Sandboxed),
                PluginFolders = plugins.ToDictionary(p => Path.GetFileName(p.Folder), p => p.ShadowDirectory, StringComparer.Ordinal),
                FailureSink = reason => RecordFailure(plugins, reason),
            };
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>
    /// Rescans the folder now: new folders load, changed ones load as a new version (the old one unloads when its
    /// last lease is disposed), removed ones are retired. Called by the watcher after the debounce.
    /// </summary>
    public void Reload()
    {
        lock (_scanGate)
        {
            if (!_scanned && _options.ShadowCopyDirectory is null)
            {
                PluginFiles.DeleteStaleShadowRoots(Path.GetDirectoryName(ShadowRoot)!);
            }

            var problems = new List<PluginProblem>();
            var next = new Dictionary<string, LoadedPlugin>(StringComparer.Ordinal);
            var fresh = new List<LoadedPlugin>();
            Dictionary<string, LoadedPlugin> current;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                current = _plugins;
            }

            foreach (var folder in Folders(problems))
            {
                string fingerprint;
                try
                {
                    fingerprint = PluginFiles.Hash(folder, PluginFiles.All(folder));
                }
                catch (IOException e)
                {
                    problems.Add(new PluginProblem(folder, $"could not be read ({e.Message}); retried on the next change"));
                    continue;
                }

                if (current.TryGetValue(folder, out var loaded) && loaded.Fingerprint == fingerprint)
                {
                    next[folder] = loaded;
                    continue;
                }

                if (_failedFingerprints.TryGetValue(folder, out var failed) && failed.StartsWith(fingerprint, StringComparison.Ordinal))
                {
                    problems.Add(new PluginProblem(folder, failed[(fingerprint.Length + 1)..]));
                    continue;
                }

                try
                {
                    var plugin = PluginLoader.Load(folder, fingerprint, ShadowRoot, _options);
                    next[folder] = plugin;
                    fresh.Add(plugin);
                    _failedFingerprints.Remove(folder);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A plugin must never take the host down, whatever its files contain.
                    var message = e is PluginLoadException ? e.Message : $"could not be loaded ({e.GetType().Name}: {e.Message})";
                    problems.Add(new PluginProblem(folder, message));
                    _failedFingerprints[folder] = fingerprint + "\n" + message;
                }
            }

            var policies = ResolveIds(next, problems);
            foreach (var refused in fresh.Where(p => !next.ContainsKey(p.Folder)))
            {
                refused.Release();
            }

            Dictionary<string, LoadedPlugin> retired;
            lock (_gate)
            {
                if (_disposed)
                {
                    // Disposed during the scan (a watcher callback racing Dispose): keep nothing new.
                    foreach (var plugin in fresh.Where(p => next.ContainsKey(p.Folder)))
                    {
                        plugin.Release();
                    }

                    return;
                }

                retired = _plugins;
                _plugins = next;
                _policies = policies;
                _problems = problems;
                Volatile.Write(ref _scanned, true);
            }

            foreach (var (folder, old) in retired)
            {
                if (!next.TryGetValue(folder, out var kept) || !ReferenceEquals(kept, old))
                {
                    old.Release();
                }
            }
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>
    /// The weak reference to the load context of the version currently loaded for <paramref name="policyId"/>, for
    /// verifying that a retired version is collected.
    /// </summary>
    internal WeakReference? ContextOf(string policyId)
    {
        EnsureScanned();
        lock (_gate)
        {
            return _policies.GetValueOrDefault(policyId).Plugin?.ContextReference;
        }
    }

    public void Dispose()
    {
        Dictionary<string, LoadedPlugin> plugins;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            plugins = _plugins;
            _plugins = new(StringComparer.Ordinal);
            _policies = new(StringComparer.Ordinal) { [_upstream.Descriptor.Id] = (null, _upstream) };
        }

        _watcher?.Dispose();
        _watcher = null;
        foreach (var plugin in plugins.Values)
        {
            plugin.Release();
        }

        // Versions still leased delete their own shadow copy when released; the root goes when it is empty.
        if (_options.ShadowCopyDirectory is null && _shadowRoot is not null && Directory.Exists(_shadowRoot) && Directory.GetFileSystemEntries(_shadowRoot).Length == 0)
        {
            PluginFiles.TryDelete(_shadowRoot);
        }
    }

    /// <summary>
    /// Where this catalog's plugins are shadow-copied: named at the first scan, so that a catalog that only serves the
    /// built-in policy (<c>simulate</c>) draws and formats no Guid (docs/benchmarks.md, "Issue 16, fifth round").
    /// </summary>
    private string ShadowRoot => LazyInitializer.EnsureInitialized(ref _shadowRoot, () => _options.ShadowCopyDirectory
        ?? Path.Combine(Path.GetTempPath(), "netns-policy-shadow", $"{Environment.ProcessId}-{Guid.NewGuid():N}"));

    /// <summary>The first scan of a <see cref="PluginCatalogOptions.ScanOnFirstUse"/> catalog (a no-op once scanned).</summary>
    private void EnsureScanned()
    {
        if (Volatile.Read(ref _scanned))
        {
            return;
        }

        lock (_scanGate)
        {
            if (!_scanned)
            {
                Reload();
            }
        }
    }

    private void OnFolderChanged()
    {
        try
        {
            Reload();
        }
        catch (Exception e)
        {
            // Runs on a timer thread: an exception escaping here would end the process.
            lock (_gate)
            {
                _problems = [.. _problems, new PluginProblem(_options.PluginsDirectory, $"rescan failed ({e.Message}); retried on the next change")];
            }
        }
    }

    private IEnumerable<string> Folders(List<PluginProblem> problems)
    {
        var root = _options.PluginsDirectory;
        if (!Directory.Exists(root))
        {
            return [];
        }

        foreach (var file in Directory.GetFiles(root).Order(StringComparer.Ordinal))
        {
            problems.Add(new PluginProblem(file, "ignored: a plugin is a folder holding plugin.json and its assemblies (docs/plugins.md)"));
        }

        return Directory.GetDirectories(root).Order(StringComparer.Ordinal);
    }

    // Policy ids must be unique across plugins (and not 'upstream'): every plugin involved in a clash is refused,
    // rather than one winning by folder order.
    private Dictionary<string, (LoadedPlugin? Plugin, PolicyEntry Entry)> ResolveIds(Dictionary<string, LoadedPlugin> plugins, List<PluginProblem> problems)
    {
        var byId = plugins.Values.SelectMany(p => p.Policies.Select(e => (Plugin: p, Entry: e))).GroupBy(x => x.Entry.Descriptor.Id, StringComparer.Ordinal);
        var refused = new HashSet<LoadedPlugin>();
        foreach (var group in byId)
        {
            var owners = group.Select(x => x.Plugin).Distinct().ToList();
            if (group.Key == _upstream.Descriptor.Id || owners.Count > 1)
            {
                var where = string.Join(" and ", owners.Select(o => Path.GetFileName(o.Folder)).Prepend(group.Key == _upstream.Descriptor.Id ? "the built-in policy" : null).OfType<string>());
                foreach (var owner in owners)
                {
                    problems.Add(new PluginProblem(owner.Folder, $"policy id '{group.Key}' is declared by {where}; ids must be unique: rename or remove one"));
                    refused.Add(owner);
                }
            }
        }

        var result = new Dictionary<string, (LoadedPlugin? Plugin, PolicyEntry Entry)>(StringComparer.Ordinal) { [_upstream.Descriptor.Id] = (null, _upstream) };
        foreach (var plugin in plugins.Values.Where(p => !refused.Contains(p)))
        {
            foreach (var entry in plugin.Policies)
            {
                result[entry.Descriptor.Id] = (plugin, entry);
            }
        }

        foreach (var plugin in refused)
        {
            plugins.Remove(plugin.Folder);
        }

        return result;
    }

    private string UnknownMessage(List<string> unknown)
    {
        // Why first, the list of what is available last: the service bounds what an error carries, and the reason a
        // plugin was refused matters more than the catalog's contents.
        var text = $"unknown policy {string.Join(", ", unknown.Select(u => $"'{u}'"))}";
        var refused = _problems.Where(p => unknown.Any(u => Path.GetFileName(p.Path) == u)).ToList();
        if (refused.Count > 0)
        {
            text += "; refused plugin folders: " + string.Join("; ", refused);
        }

        return text + $" (available: {string.Join(", ", _policies.Keys.Order(StringComparer.Ordinal))})";
    }

    private static PolicyInfo Describe(LoadedPlugin? plugin, PolicyEntry entry) =>
        plugin?.Quarantine is { } reason ? entry.Info with { Quarantined = reason } : entry.Info;

    // Only sandboxed plugins are quarantined: a trusted one runs in-process, where its failures are the engine's faults.
    private void RecordFailure(IReadOnlyList<LoadedPlugin> plugins, string reason)
    {
        var limit = _options.Trust?.QuarantineAfterFailures ?? int.MaxValue;
        var changed = false;
        foreach (var plugin in plugins.Where(p => p.Trust == PolicyTrust.Sandboxed))
        {
            changed |= plugin.RecordFailure(reason, limit);
        }

        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    private static string StackHash(IEnumerable<PolicyInfo> members)
    {
        var text = string.Join("\n", members.Select(m => $"{m.Id}={m.AssemblyHash}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
