using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NetnsPolicy.PluginHost.Loading;

/// <summary>Hashing and shadow copies of a plugin folder.</summary>
internal static class PluginFiles
{
    /// <summary>SHA-256 (lower-case hex) of the given files: each file's path relative to <paramref name="root"/>, then its bytes.</summary>
    public static string Hash(string root, IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, file)));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>SHA-256 (lower-case hex) of one file's bytes.</summary>
    public static string FileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every file under <paramref name="folder"/>.</summary>
    public static string[] All(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories);

    /// <summary>The assemblies that make up the plugin: every .dll except a stray copy of a host assembly (never loaded).</summary>
    public static string[] Assemblies(string folder) => Directory.GetFiles(folder, "*.dll", SearchOption.AllDirectories)
        .Where(f => !PluginLoadContext.IsHostAssembly(Path.GetFileNameWithoutExtension(f)))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Copies <paramref name="source"/> to a fresh folder under <paramref name="shadowRoot"/> and returns it.</summary>
    public static string ShadowCopy(string source, string shadowRoot, string name)
    {
        var target = Path.Combine(shadowRoot, $"{name}-{Guid.NewGuid():N}");
        foreach (var file in All(source))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        Directory.CreateDirectory(target);
        return target;
    }

    /// <summary>
    /// Deletes the per-process shadow roots (<c>&lt;pid&gt;-&lt;guid&gt;</c>) under <paramref name="parent"/> whose process is gone — a
    /// killed isolated worker cannot clean up after itself.
    /// </summary>
    public static void DeleteStaleShadowRoots(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var root in Directory.GetDirectories(parent))
        {
            var name = Path.GetFileName(root);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                TryDelete(root);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Deletes a shadow copy; on failure (a file still mapped on Windows) it is left for the next start.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
