using System.CommandLine;
using NetnsPolicy.Cli.Commands;

namespace NetnsPolicy.Cli;

/// <summary>Every netns-policy command, registered in one place for the program and its tests.</summary>
internal static class CliCommands
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("netns-policy: simulate Linux netns teardown policies and compare them.\n\n" + ExitCodes.Summary);
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(PoliciesCommand.Create());
        root.Subcommands.Add(ProfilesCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(TournamentCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        return root;
    }

    /// <summary>
    /// Adds the exit codes to the description of the command whose help is shown, when it is not the root (whose own
    /// description has them): in the root's command list they would repeat under every command.
    /// </summary>
    public static void AddExitCodesToHelp(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.Action is System.CommandLine.Help.HelpAction && parse.CommandResult.Command is { } shown and not RootCommand)
        {
            shown.Description += "\n\n" + ExitCodes.Summary;
        }
    }
}
