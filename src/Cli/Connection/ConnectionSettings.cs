namespace NetnsPolicy.Cli.Connection;

/// <summary>Where the service is: a remote URL, or null to embed it (with its store in <paramref name="DataDirectory"/>, or a throwaway one).</summary>
internal sealed record ConnectionSettings(Uri? Server, string? DataDirectory);
