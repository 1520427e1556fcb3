using NetnsPolicy.Cli.Connection;

namespace NetnsPolicy.Cli.Tournaments;

/// <summary>The switches of <c>tournament</c> that matter to a shard: where it goes, and those a shard refuses.</summary>
/// <param name="OutputDirectory">The folder the shard file is written to (<c>--out</c>, required).</param>
/// <param name="BudgetGiven">Whether <c>--budget</c> was given (refused).</param>
/// <param name="Connection">The service switches (refused: a shard runs in this process).</param>
internal sealed record ShardSwitches(string? OutputDirectory, bool BudgetGiven, ConnectionSettings Connection);
