using System.CommandLine;
using NetnsPolicy.Cli.Commands;

namespace NetnsPolicy.Cli;

/// <summary>Every netns-policy command, registered in one place for the program and its tests.</summary>
internal static class CliCommands
{
    /// <summary>The commands, in the order the root's help lists them.</summary>
    public static readonly string[] Names = ["simulate", "policies", "profiles", "compare", "tournament", "report", "serve", "probe", "calibrate", "validate"];

    /// <summary>
    /// The root command with every command, or — when <paramref name="args"/> start with a command's name — with that one
    /// only: what runs and what it prints are the same (a command's parsing, help and errors never look at its siblings;
    /// anything else, the root's help and an unknown command's suggestions included, gets the whole tree). Building the
    /// other nine cost every <c>simulate</c> their options' generic code (System.CommandLine's <c>Option&lt;T&gt;</c>
    /// over value types is JIT-compiled at start-up: ReadyToRun cannot precompile it into this assembly) and their types'
    /// loading (docs/benchmarks.md, "Issue 16, fifth round").
    /// </summary>
    public static RootCommand CreateRoot(IReadOnlyList<string>? args = null)
    {
        var root = new RootCommand("netns-policy: simulate Linux netns teardown policies and compare them.\n\n" + ExitCodes.Summary);
        if (args is { Count: > 0 } && Create(args[0]) is { } named)
        {
            root.Subcommands.Add(named);
            return root;
        }

        foreach (var name in Names)
        {
            root.Subcommands.Add(Create(name)!);
        }

        return root;
    }

    private static Command? Create(string name) => name switch
    {
        "simulate" => SimulateCommand.Create(),
        "policies" => PoliciesCommand.Create(),
        "profiles" => ProfilesCommand.Create(),
        "compare" => CompareCommand.Create(),
        "tournament" => TournamentCommand.Create(),
        "report" => ReportCommand.Create(),
        "serve" => ServeCommand.Create(),
        "probe" => ProbeCommand.Create(),
        "calibrate" => CalibrateCommand.Create(),
        "validate" => ValidateCommand.Create(),
        _ => null,
    };

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
