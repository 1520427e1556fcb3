namespace NetnsPolicy.Cli.Tests.Support;

/// <summary>What one CLI invocation produced.</summary>
internal sealed record CliOutcome(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
