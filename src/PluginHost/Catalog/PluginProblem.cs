namespace NetnsPolicy.PluginHost.Catalog;

/// <summary>A plugin folder (or stray file) the catalog refused, and why.</summary>
/// <param name="Path">The folder or file.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record PluginProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
