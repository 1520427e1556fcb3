namespace NetnsPolicy.Cli.Connection;

/// <summary>The service named by <c>--server</c> did not answer, or the embedded one could not start (exit code 4).</summary>
internal sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
