using System.CommandLine;

namespace NetnsPolicy.Cli.Tests.Commands;

/// <summary>
/// The program builds only the command its arguments name (<see cref="CliCommands.CreateRoot"/>): the names it looks up
/// are the commands' own, and what a command prints is the same with the whole tree as with itself alone.
/// </summary>
public sealed class CommandTreeTests
{
    [Test]
    public void CreateRoot_WithoutArguments_HasEveryCommandInOrder()
    {
        Assert.That(CliCommands.CreateRoot().Subcommands.Select(c => c.Name), Is.EqualTo(CliCommands.Names));
        Assert.That(CliCommands.CreateRoot([]).Subcommands.Select(c => c.Name), Is.EqualTo(CliCommands.Names));
    }

    [TestCaseSource(typeof(CliCommands), nameof(CliCommands.Names))]
    public void CreateRoot_NamedCommand_HasThatCommandOnly(string name)
    {
        var root = CliCommands.CreateRoot([name, "--help"]);

        Assert.That(root.Subcommands.Select(c => c.Name), Is.EqualTo(new[] { name }));
    }

    [TestCase("--help")]
    [TestCase("simulat")]
    [TestCase("--version")]
    [TestCase("[suggest]", "simulate")]
    public void CreateRoot_NoCommandNamedFirst_HasEveryCommand(params string[] args)
    {
        Assert.That(CliCommands.CreateRoot(args).Subcommands, Has.Count.EqualTo(CliCommands.Names.Length));
    }

    [TestCase("simulate", "--help")]
    [TestCase("simulate")]
    [TestCase("simulate", "seed-1000-maxcpus1", "--replicaton", "1")]
    [TestCase("simulate", "seed-1000-maxcpus1", "--format", "xml")]
    [TestCase("simulate", "no-such-workload")]
    [TestCase("tournament", "--help")]
    [TestCase("validate", "--bogus")]
    [TestCase("compare", "--help")]
    public async Task Invoke_NamedCommandAlone_PrintsWhatTheWholeTreePrints(params string[] args)
    {
        var whole = await InvokeAsync(CliCommands.CreateRoot(), args).ConfigureAwait(false);
        var alone = await InvokeAsync(CliCommands.CreateRoot(args), args).ConfigureAwait(false);

        Assert.That(alone, Is.EqualTo(whole));
    }

    private static async Task<(int Exit, string Out, string Error)> InvokeAsync(RootCommand root, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliAction.InvokeAsync(root, args, new InvocationConfiguration { Output = stdout, Error = stderr }).ConfigureAwait(false);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
