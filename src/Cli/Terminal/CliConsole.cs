using System.CommandLine;

namespace NetnsPolicy.Cli.Terminal;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, diagnostics and progress to <see cref="Error"/>. Progress bars
/// are drawn only when both are the process's own terminal; redirected (CI, pipes, tests) they become plain lines.
/// </summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive)
{
    public static CliConsole From(ParseResult parse)
    {
        var invocation = parse.InvocationConfiguration;
        var interactive = ReferenceEquals(invocation.Output, System.Console.Out)
            && ReferenceEquals(invocation.Error, System.Console.Error)
            && !System.Console.IsOutputRedirected
            && !System.Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("TERM") is not "dumb"
            && Environment.GetEnvironmentVariable("CI") is null or "" or "false";
        return new CliConsole(invocation.Output, invocation.Error, interactive);
    }
}
