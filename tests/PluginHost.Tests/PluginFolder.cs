using System.Text.Json.Nodes;

namespace NetnsPolicy.PluginHost.Tests;

/// <summary>A temporary plugins folder a test fills from the built shipped and test plugins; deleted on dispose.</summary>
internal sealed class PluginFolder : IDisposable
{
    public PluginFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netns-policy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Shipped plugins, built into the test's output by build/PolicyPlugins.Host.targets.</summary>
    public static string Shipped => System.IO.Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Test plugins (tests/TestPlugins), built into the output by build/TestPlugins.Host.targets.</summary>
    public static string TestPlugins => System.IO.Path.Combine(AppContext.BaseDirectory, "testplugins");

    public string Path { get; }

    /// <summary>Copies a built plugin (a folder of <see cref="Shipped"/> or <see cref="TestPlugins"/>) in as <paramref name="name"/>.</summary>
    public string Install(string source, string? name = null)
    {
        var from = Directory.Exists(System.IO.Path.Combine(TestPlugins, source)) ? System.IO.Path.Combine(TestPlugins, source) : System.IO.Path.Combine(Shipped, source);
        Assert.That(Directory.Exists(from), Is.True, $"built plugin '{source}' is missing from the test output");
        var to = System.IO.Path.Combine(Path, name ?? source);
        CopyInto(from, to);
        return to;
    }

    /// <summary>Installs a built plugin and rewrites its manifest.</summary>
    public string InstallWithManifest(string source, string name, Action<JsonObject> edit)
    {
        var folder = Install(source, name);
        var manifestPath = System.IO.Path.Combine(folder, "plugin.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        edit(manifest);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        return folder;
    }

    /// <summary>Replaces the contents of plugin folder <paramref name="name"/> by a built plugin, file by file (as a user's copy would).</summary>
    public void Replace(string name, string source)
    {
        var to = System.IO.Path.Combine(Path, name);
        CopyInto(System.IO.Path.Combine(TestPlugins, source), to);
    }

    public void Remove(string name) => Directory.Delete(System.IO.Path.Combine(Path, name), recursive: true);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void CopyInto(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)), overwrite: true);
        }
    }
}
