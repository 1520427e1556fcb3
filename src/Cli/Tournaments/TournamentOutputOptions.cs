namespace NetnsPolicy.Cli.Tournaments;

/// <summary>The output switches of <c>tournament</c> and <c>tournament merge</c>.</summary>
/// <param name="OutputDirectory">Where the four files go (<c>--out</c>), or null.</param>
/// <param name="Summary">Print the Markdown summary after the ranking (not <c>--no-summary</c>).</param>
/// <param name="GateLines">Print one GATE-PASS/GATE-FAIL/GATE-SKIP line per gate result (<c>--gate-lines</c>).</param>
internal sealed record TournamentOutputOptions(string? OutputDirectory, bool Summary, bool GateLines);
