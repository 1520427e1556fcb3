using System.CommandLine;
using NetnsPolicy.Cli.Commands;

namespace NetnsPolicy.Cli.Tests.Support;

/// <summary>Runs the CLI in-process with its output captured (so redirected: plain output, no progress bars).</summary>
internal static class CliHarness
{
    /// <summary>Generous: an invocation starts an embedded service and simulates; a hang must still end the test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static async Task<CliOutcome> RunAsync(params string[] args)
    {
        var root = new RootCommand("netns-policy (tests)");
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(PoliciesCommand.Create());
        root.Subcommands.Add(ProfilesCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(TournamentCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var cts = new CancellationTokenSource(Timeout);
        var exit = await CliAction.InvokeAsync(root, args, new InvocationConfiguration { Output = stdout, Error = stderr }, cts.Token).WaitAsync(Timeout).ConfigureAwait(false);
        return new CliOutcome(exit, stdout.ToString(), stderr.ToString());
    }
}
