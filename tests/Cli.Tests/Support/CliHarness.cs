using System.CommandLine;

namespace NetnsPolicy.Cli.Tests.Support;

/// <summary>Runs the CLI in-process with its output captured (so redirected: plain output, no progress bars).</summary>
internal static class CliHarness
{
    /// <summary>Generous: an invocation starts an embedded service and simulates; a hang must still end the test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static Task<CliOutcome> RunAsync(params string[] args) => RunAsync(TextWriter.Null, CancellationToken.None, args);

    /// <summary>Runs the CLI until it ends or <paramref name="cancellationToken"/> stops it (as Ctrl+C would); stdout is also copied to <paramref name="tee"/>.</summary>
    public static async Task<CliOutcome> RunAsync(TextWriter tee, CancellationToken cancellationToken, params string[] args)
    {
        var root = CliCommands.CreateRoot();
        var captured = new StringWriter();
        var stdout = TextWriter.Synchronized(new TeeWriter(captured, tee));
        var stderr = new StringWriter();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        var exit = await CliAction.InvokeAsync(root, args, new InvocationConfiguration { Output = stdout, Error = stderr }, cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
        return new CliOutcome(exit, captured.ToString(), stderr.ToString());
    }
}
