namespace NetnsPolicy.Cli;

/// <summary>A run ended in a state other than succeeded (exit code 3).</summary>
internal sealed class RunFailedException(string message) : Exception(message);
