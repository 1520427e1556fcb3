namespace NetnsPolicy.Cli.Tournaments;

/// <summary>A tournament's result rendered in every format a tournament writes.</summary>
internal sealed record TournamentFiles(string Html, string Markdown, string JUnit, string Json);
