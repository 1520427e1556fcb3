namespace NetnsPolicy.Cli.Connection;

/// <summary>
/// Where the service is: a remote URL, or null to embed it (with its store in <paramref name="DataDirectory"/>, or a
/// throwaway one, and its policy plugins from <paramref name="PluginsDirectory"/>, or those beside the program).
/// </summary>
internal sealed record ConnectionSettings(Uri? Server, string? DataDirectory, string? PluginsDirectory = null);
